/**
 * Migration 3 of the PostgreSQL schema: child workflows. A child's execution row carries its
 * parent link: the parent's run (`parent_run_id`, indexed among running children so a closing
 * parent finds its open children) and the rest of the link as JSON text (`parent_link`: parent
 * workflowId and runId, the initiating event id and command sequence number, the parent close
 * policy). Never edit once landed.
 */
export const migration003 = `
ALTER TABLE executions ADD COLUMN parent_run_id TEXT;
ALTER TABLE executions ADD COLUMN parent_link TEXT;
CREATE INDEX executions_by_parent ON executions (parent_run_id)
  WHERE parent_run_id IS NOT NULL AND status = 'RUNNING';
`;
