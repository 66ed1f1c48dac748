import { describeDocuments } from '../support/doc-runner.js';

/**
 * The console blocks of README.md and the guides under docs/, run against a real daemon and
 * compared with what the documents show (test/support/doc-runner.ts); this file runs half of the
 * documents, console-blocks-2.test.ts the other half.
 */
describeDocuments(0, 2);
