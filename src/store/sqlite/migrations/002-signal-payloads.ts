/** Migration 2: inbox messages carry a payload (a signal's arguments). Never edit once landed. */
export const migration002 = `
ALTER TABLE inbox ADD COLUMN payload BLOB;
`;
