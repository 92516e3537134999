import { topicSuite } from './topic-suite.js';

topicSuite('the SQLite store', () => ({}));
