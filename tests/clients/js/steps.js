// Step bookkeeping shared by the official-app scenarios (redux_app.js, mobile_replay.js):
// every step is recorded by name; a failure does not stop the run, and steps that need a
// failed one are reported as blocked. The result is one `ROOST-RESULT {json}` line.
'use strict';

const RESULT_PREFIX = 'ROOST-RESULT ';

const env = (name) => {
    const value = process.env[name];
    if (!value) {
        throw new Error(`missing environment variable ${name}`);
    }
    return value;
};

function check(condition, message) {
    if (!condition) {
        throw new Error(typeof message === 'function' ? message() : message);
    }
}

const unique = (prefix) => prefix + Math.random().toString(16).slice(2, 12);

function describeError(err) {
    if (err && typeof err.status_code === 'number') {
        return `ClientError ${err.status_code} ${err.server_error_id}: ${err.message} (${err.url})`;
    }
    return String(err && err.message ? err.message : err);
}

class Steps {
    constructor() {
        this.results = {};
        this.values = {};
    }

    async run(name, fn, needs = []) {
        const missing = needs.filter((n) => !this.ok(n));
        if (missing.length) {
            this.results[name] = {ok: false, error: `blocked by failed step(s): ${JSON.stringify(missing)}`};
            return undefined;
        }
        const started = Date.now();
        try {
            const value = await fn();
            this.results[name] = {ok: true, ms: Date.now() - started};
            this.values[name] = value;
            return value;
        } catch (err) {
            this.results[name] = {
                ok: false,
                error: describeError(err).slice(0, 4000),
                trace: String(err && err.stack).slice(0, 3000),
            };
            return undefined;
        }
    }

    ok(name) {
        return Boolean(this.results[name] && this.results[name].ok);
    }

    report(extra = {}) {
        process.stdout.write(`${RESULT_PREFIX}${JSON.stringify({steps: this.results, ...extra})}\n`);
    }
}

function finish(promise) {
    promise.then((steps) => {
        steps.report();
        process.exit(0);
    }, (err) => {
        process.stderr.write(`scenario crashed: ${err && err.stack ? err.stack : err}\n`);
        process.exit(1);
    });
}

module.exports = {Steps, check, env, finish, unique};
