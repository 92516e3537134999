/** The Pokémon capture example: domain, faults, services, activities, workflows and the saga. */
export * from './domain.js';
export * from './faults.js';
export * from './services.js';
export * from './activities.js';
export * from './workflows.js';
export * from './saga.js';
export * from './encounter.js';
