// Spec output for people, plus one machine-readable summary: the counts are appended as a JSON
// line to $SB_TEST_STATS (when set) so scripts/test.sh can total the sqlite and PostgreSQL runs.
const { appendFileSync } = require('node:fs');
const Mocha = require('mocha');

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const { passes, failures, pending } = runner.stats;
      if (process.env.SB_TEST_STATS) {
        appendFileSync(
          process.env.SB_TEST_STATS,
          JSON.stringify({ passes, failures, pending }) + '\n',
        );
      }
    });
  }
}

module.exports = SummaryReporter;
