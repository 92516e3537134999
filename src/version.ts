/** Version of this Baton, recorded in every history it starts. */
export const BATON_VERSION = '0.1.0';
