#include "store/schema.h"

namespace relay {

const std::vector<std::string>& storeMigrations() {
    static const std::vector<std::string> migrations = {
        // Version 1: the tables of docs/architecture.md.
        R"sql(
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    task TEXT NOT NULL,
    parent_run INTEGER REFERENCES runs(id) ON DELETE SET NULL,
    generator_run INTEGER REFERENCES runs(id) ON DELETE SET NULL,
    status TEXT NOT NULL,
    created_at REAL NOT NULL,
    finished_at REAL,
    config TEXT NOT NULL,
    device TEXT NOT NULL DEFAULT '',
    version TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    process_id INTEGER NOT NULL DEFAULT 0,
    host TEXT NOT NULL DEFAULT ''
);
CREATE TABLE metrics (
    run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    wall_time REAL NOT NULL,
    name TEXT NOT NULL,
    value REAL NOT NULL
);
CREATE INDEX metrics_by_run ON metrics(run, name, step);
CREATE TABLE evals (
    run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    task TEXT NOT NULL,
    length INTEGER NOT NULL,
    samples INTEGER NOT NULL,
    answer_accuracy REAL NOT NULL,
    chain_accuracy REAL NOT NULL,
    token_accuracy REAL NOT NULL,
    stopping TEXT NOT NULL
);
CREATE INDEX evals_by_run ON evals(run, step);
CREATE TABLE step_accuracy (
    run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    task TEXT NOT NULL,
    length INTEGER NOT NULL,
    cot_step INTEGER NOT NULL,
    accuracy REAL NOT NULL
);
CREATE INDEX step_accuracy_by_run ON step_accuracy(run, step);
CREATE TABLE hit_matrix (
    run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    task TEXT NOT NULL,
    length INTEGER NOT NULL,
    cot_step INTEGER NOT NULL,
    position INTEGER NOT NULL,
    accuracy REAL NOT NULL,
    samples INTEGER NOT NULL
);
CREATE INDEX hit_matrix_by_run ON hit_matrix(run, length, step);
CREATE TABLE probes (
    run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    training_step INTEGER NOT NULL,
    problem_index INTEGER NOT NULL,
    problem TEXT NOT NULL,
    length INTEGER NOT NULL,
    iteration INTEGER NOT NULL,
    predicted TEXT NOT NULL,
    target TEXT NOT NULL,
    confidence TEXT NOT NULL
);
CREATE INDEX probes_by_run ON probes(run, training_step, problem_index);
CREATE TABLE chains (
    id INTEGER PRIMARY KEY,
    run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    task TEXT NOT NULL,
    length INTEGER NOT NULL,
    input TEXT NOT NULL,
    steps TEXT NOT NULL,
    answer TEXT NOT NULL,
    verified INTEGER NOT NULL,
    first_wrong_step INTEGER NOT NULL
);
CREATE INDEX chains_by_run ON chains(run, length, verified);
CREATE TABLE checkpoints (
    run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    path TEXT NOT NULL,
    checksum TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE INDEX checkpoints_by_run ON checkpoints(run, step);
)sql",
        // Version 2: Stage II reports answer correctness apart from full-chain correctness.
        R"sql(
ALTER TABLE chains ADD COLUMN answer_correct INTEGER NOT NULL DEFAULT 0;
)sql",
        // Version 3: how close a chain is, not only whether it is exact (-1: not measured).
        R"sql(
ALTER TABLE chains ADD COLUMN token_accuracy REAL NOT NULL DEFAULT -1;
)sql",
        // Version 4: one value per metric and step. Two processes training one run (a resume
        // started twice) once wrote duplicates; the first of each is kept.
        R"sql(
DELETE FROM metrics WHERE rowid NOT IN
    (SELECT min(rowid) FROM metrics GROUP BY run, name, step);
DROP INDEX metrics_by_run;
CREATE UNIQUE INDEX metrics_by_run ON metrics(run, name, step);
)sql",
        // Version 5: the label-free Stage II filter's verdict on each chain (-1: not checked).
        R"sql(
ALTER TABLE chains ADD COLUMN label_free_kept INTEGER NOT NULL DEFAULT -1;
)sql",
    };
    return migrations;
}

} // namespace relay
