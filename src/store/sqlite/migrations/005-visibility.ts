/** Migration 5: memo and search attributes of executions. Never edit once landed. */
export const migration005 = `
ALTER TABLE executions ADD COLUMN memo BLOB;
ALTER TABLE executions ADD COLUMN search_attributes TEXT NOT NULL DEFAULT '{}';
`;
