'use strict';
// Counted checks for the Node.js suites: every check is a deepStrictEqual (or an expected
// rejection) with a name; failures are collected, not thrown, so one run reports them all.
// The last line printed is the machine-readable summary read by the pytest wrapper:
//   {"suite": ..., "checks": N, "failures": [{"name": ..., "message": ...}], "steps": [...]}
const assert = require('node:assert');
const util = require('node:util');

class Harness {
  constructor(suite) {
    this.suite = suite;
    this.checks = 0;
    this.failures = [];
    this.steps = [];
  }

  /** One check: actual deep-strictly equals expected. */
  eq(name, actual, expected) {
    this.checks += 1;
    try {
      assert.deepStrictEqual(actual, expected);
    } catch (err) {
      this.failures.push({ name, message: err.message });
    }
  }

  /** One check: the promise rejects with an error whose code and message match (and its
   *  `status` and `ecCode` where ``expected`` names them). */
  async rejects(name, promise, expected) {
    this.checks += 1;
    try {
      await promise;
      this.failures.push({ name, message: 'resolved, expected a rejection' });
    } catch (err) {
      const actual = { code: err.code, message: String(err.message), status: err.status, ec: err.ecCode };
      try {
        assert.strictEqual(actual.code, expected.code);
        assert.match(actual.message, expected.message);
        if (expected.status !== undefined) assert.strictEqual(actual.status, expected.status);
        if (expected.ec !== undefined) assert.strictEqual(actual.ec, expected.ec);
      } catch (mismatch) {
        this.failures.push({ name, message: `got ${util.inspect(actual)}: ${mismatch.message}` });
      }
    }
  }

  /** Run one named step; an exception ends the step and is recorded as a failure. */
  async step(name, body) {
    this.steps.push(name);
    try {
      await body();
    } catch (err) {
      this.failures.push({ name: `${name} (aborted)`, message: err && err.stack ? err.stack : String(err) });
    }
  }

  /** Print the summary line last and set the exit code. */
  finish() {
    process.stdout.write(JSON.stringify({
      suite: this.suite, checks: this.checks, failures: this.failures, steps: this.steps,
    }) + '\n');
    process.exitCode = this.failures.length === 0 ? 0 : 1;
  }
}

/** A required environment variable (the pytest wrapper sets them all). */
function env(name) {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`environment variable ${name} is not set`);
  }
  return value;
}

module.exports = { Harness, env };
