// RunStore: the measurement tables (metrics, evals, step accuracy, hit matrices, probes,
// chains, checkpoints). Each add* call writes all its rows in one transaction.
#include "store/run_store.h"

#include <filesystem>

namespace relay {

void RunStore::addMetrics(std::int64_t run, const std::vector<MetricPoint>& points) {
    m_database.transaction([&] {
        auto insert = m_database.prepare(
            "INSERT INTO metrics (run, step, wall_time, name, value) VALUES (?, ?, ?, ?, ?)");
        for (const auto& point : points) {
            insert.bind(1, run).bind(2, point.step).bind(3, point.wallTime);
            insert.bind(4, point.name).bind(5, point.value).run();
        }
    });
}

void RunStore::addEvals(std::int64_t run, const std::vector<EvalRecord>& evals) {
    m_database.transaction([&] {
        auto insert = m_database.prepare(
            "INSERT INTO evals (run, step, task, length, samples, answer_accuracy, "
            "chain_accuracy, token_accuracy, stopping) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        for (const auto& eval : evals) {
            insert.bind(1, run).bind(2, eval.step).bind(3, eval.task).bind(4, eval.length);
            insert.bind(5, eval.samples).bind(6, eval.answerAccuracy);
            insert.bind(7, eval.chainAccuracy).bind(8, eval.tokenAccuracy);
            insert.bind(9, eval.stopping).run();
        }
    });
}

void RunStore::addStepAccuracy(std::int64_t run, const std::vector<StepAccuracyRecord>& records) {
    m_database.transaction([&] {
        auto insert = m_database.prepare("INSERT INTO step_accuracy (run, step, task, length, "
                                         "cot_step, accuracy) VALUES (?, ?, ?, ?, ?, ?)");
        for (const auto& record : records) {
            insert.bind(1, run).bind(2, record.step).bind(3, record.task);
            insert.bind(4, record.length).bind(5, record.cotStep).bind(6, record.accuracy).run();
        }
    });
}

void RunStore::addHitMatrix(std::int64_t run, const HitMatrixRecord& matrix) {
    m_database.transaction([&] {
        auto insert = m_database.prepare(
            "INSERT INTO hit_matrix (run, step, task, length, cot_step, position, accuracy, "
            "samples) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        for (const auto& cell : matrix.cells) {
            insert.bind(1, run).bind(2, matrix.step).bind(3, matrix.task).bind(4, matrix.length);
            insert.bind(5, cell.cotStep).bind(6, cell.position).bind(7, cell.accuracy);
            insert.bind(8, cell.samples).run();
        }
    });
}

void RunStore::addProbes(std::int64_t run, const std::vector<ProbeRecord>& probes) {
    m_database.transaction([&] {
        auto insert = m_database.prepare(
            "INSERT INTO probes (run, training_step, problem_index, problem, length, iteration, "
            "predicted, target, confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        for (const auto& probe : probes) {
            insert.bind(1, run).bind(2, probe.trainingStep).bind(3, probe.problemIndex);
            insert.bind(4, probe.problem).bind(5, probe.length).bind(6, probe.iteration);
            insert.bind(7, probe.predicted).bind(8, probe.target);
            insert.bind(9, probe.confidenceJson).run();
        }
    });
}

void RunStore::addChains(std::int64_t run, const std::vector<ChainRecord>& chains) {
    m_database.transaction([&] { insertChains(run, chains); });
}

void RunStore::replaceChains(std::int64_t run, const std::vector<ChainRecord>& chains) {
    m_database.transaction([&] {
        m_database.prepare("DELETE FROM chains WHERE run = ?").bind(1, run).run();
        insertChains(run, chains);
    });
}

void RunStore::insertChains(std::int64_t run, const std::vector<ChainRecord>& chains) {
    auto insert =
        m_database.prepare("INSERT INTO chains (run, task, length, input, steps, answer, verified, "
                           "first_wrong_step, answer_correct, token_accuracy) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const auto& chain : chains) {
        insert.bind(1, run).bind(2, chain.task).bind(3, chain.length).bind(4, chain.input);
        insert.bind(5, chain.stepsJson).bind(6, chain.answer);
        insert.bind(7, chain.verified ? 1 : 0).bind(8, chain.firstWrongStep);
        insert.bind(9, chain.answerCorrect ? 1 : 0).bind(10, chain.tokenAccuracy).run();
    }
}

void RunStore::addCheckpoint(std::int64_t run, const CheckpointRecord& checkpoint) {
    m_database.transaction([&] {
        auto insert = m_database.prepare("INSERT INTO checkpoints (run, step, path, checksum, "
                                         "created_at) VALUES (?, ?, ?, ?, ?)");
        insert.bind(1, run).bind(2, checkpoint.step).bind(3, checkpoint.path);
        insert.bind(4, checkpoint.checksum);
        insert.bind(5, checkpoint.createdAt == 0 ? secondsSinceEpoch() : checkpoint.createdAt);
        insert.run();
    });
}

void RunStore::deleteMeasurementsAfter(std::int64_t run, std::int64_t step) {
    m_database.transaction([&] {
        for (const char* table : {"metrics", "evals", "step_accuracy", "hit_matrix"})
            m_database.prepare(std::string("DELETE FROM ") + table + " WHERE run = ? AND step > ?")
                .bind(1, run)
                .bind(2, step)
                .run();
        m_database.prepare("DELETE FROM probes WHERE run = ? AND training_step > ?")
            .bind(1, run)
            .bind(2, step)
            .run();
        m_database.prepare("DELETE FROM checkpoints WHERE run = ? AND step > ?")
            .bind(1, run)
            .bind(2, step)
            .run();
    });
}

std::vector<MetricPoint> RunStore::metrics(std::int64_t run, const std::string& name) {
    auto query = m_database.prepare(
        "SELECT step, wall_time, name, value FROM metrics WHERE run = ? AND (? = '' OR name = ?) "
        "ORDER BY name, step, rowid");
    query.bind(1, run).bind(2, name).bind(3, name);
    std::vector<MetricPoint> result;
    while (query.step())
        result.push_back({query.integer(0), query.real(1), query.text(2), query.real(3)});
    return result;
}

double RunStore::lastWallTime(std::int64_t run) {
    auto query =
        m_database.prepare("SELECT coalesce(max(wall_time), 0) FROM metrics WHERE run = ?");
    query.bind(1, run);
    query.step();
    return query.real(0);
}

std::vector<std::string> RunStore::metricNames(std::int64_t run) {
    auto query =
        m_database.prepare("SELECT DISTINCT name FROM metrics WHERE run = ? ORDER BY name");
    query.bind(1, run);
    std::vector<std::string> names;
    while (query.step())
        names.push_back(query.text(0));
    return names;
}

std::vector<EvalRecord> RunStore::evals(std::int64_t run) {
    auto query = m_database.prepare(
        "SELECT step, task, length, samples, answer_accuracy, chain_accuracy, token_accuracy, "
        "stopping FROM evals WHERE run = ? ORDER BY step, task, stopping, length");
    query.bind(1, run);
    std::vector<EvalRecord> result;
    while (query.step()) {
        EvalRecord eval;
        eval.step = query.integer(0);
        eval.task = query.text(1);
        eval.length = static_cast<int>(query.integer(2));
        eval.samples = static_cast<int>(query.integer(3));
        eval.answerAccuracy = query.real(4);
        eval.chainAccuracy = query.real(5);
        eval.tokenAccuracy = query.real(6);
        eval.stopping = query.text(7);
        result.push_back(eval);
    }
    return result;
}

std::vector<StepAccuracyRecord> RunStore::stepAccuracy(std::int64_t run) {
    auto query = m_database.prepare("SELECT step, task, length, cot_step, accuracy FROM "
                                    "step_accuracy WHERE run = ? ORDER BY step, length, cot_step");
    query.bind(1, run);
    std::vector<StepAccuracyRecord> result;
    while (query.step())
        result.push_back({query.integer(0), query.text(1), static_cast<int>(query.integer(2)),
                          static_cast<int>(query.integer(3)), query.real(4)});
    return result;
}

HitMatrixRecord RunStore::hitMatrix(std::int64_t run, int length) {
    HitMatrixRecord matrix;
    matrix.length = length;
    auto newest =
        m_database.prepare("SELECT step, task FROM hit_matrix WHERE run = ? AND length = ? "
                           "ORDER BY step DESC LIMIT 1");
    newest.bind(1, run).bind(2, length);
    if (!newest.step())
        return matrix;
    matrix.step = newest.integer(0);
    matrix.task = newest.text(1);
    auto cells = m_database.prepare(
        "SELECT cot_step, position, accuracy, samples FROM hit_matrix WHERE run = ? AND "
        "length = ? AND step = ? ORDER BY cot_step, position");
    cells.bind(1, run).bind(2, length).bind(3, matrix.step);
    while (cells.step())
        matrix.cells.push_back({static_cast<int>(cells.integer(0)),
                                static_cast<int>(cells.integer(1)), cells.real(2),
                                static_cast<int>(cells.integer(3))});
    return matrix;
}

std::vector<ProbeRecord> RunStore::probes(std::int64_t run, std::int64_t trainingStep) {
    auto query = m_database.prepare(
        "SELECT training_step, problem_index, problem, length, iteration, predicted, target, "
        "confidence FROM probes WHERE run = ? AND (? < 0 OR training_step = ?) "
        "ORDER BY training_step, problem_index, iteration");
    query.bind(1, run).bind(2, trainingStep).bind(3, trainingStep);
    std::vector<ProbeRecord> result;
    while (query.step()) {
        ProbeRecord probe;
        probe.trainingStep = query.integer(0);
        probe.problemIndex = static_cast<int>(query.integer(1));
        probe.problem = query.text(2);
        probe.length = static_cast<int>(query.integer(3));
        probe.iteration = static_cast<int>(query.integer(4));
        probe.predicted = query.text(5);
        probe.target = query.text(6);
        probe.confidenceJson = query.text(7);
        result.push_back(probe);
    }
    return result;
}

std::vector<std::int64_t> RunStore::probeSteps(std::int64_t run) {
    auto query = m_database.prepare(
        "SELECT DISTINCT training_step FROM probes WHERE run = ? ORDER BY training_step");
    query.bind(1, run);
    std::vector<std::int64_t> steps;
    while (query.step())
        steps.push_back(query.integer(0));
    return steps;
}

std::vector<ChainRecord> RunStore::chains(std::int64_t run) {
    auto query = m_database.prepare(
        "SELECT id, task, length, input, steps, answer, verified, "
        "first_wrong_step, answer_correct, token_accuracy FROM chains WHERE run = ? "
        "ORDER BY id");
    query.bind(1, run);
    std::vector<ChainRecord> result;
    while (query.step()) {
        ChainRecord chain;
        chain.id = query.integer(0);
        chain.task = query.text(1);
        chain.length = static_cast<int>(query.integer(2));
        chain.input = query.text(3);
        chain.stepsJson = query.text(4);
        chain.answer = query.text(5);
        chain.verified = query.integer(6) != 0;
        chain.firstWrongStep = static_cast<int>(query.integer(7));
        chain.answerCorrect = query.integer(8) != 0;
        chain.tokenAccuracy = query.real(9);
        result.push_back(chain);
    }
    return result;
}

std::vector<CheckpointRecord> RunStore::checkpoints(std::int64_t run) {
    auto query = m_database.prepare("SELECT step, path, checksum, created_at FROM checkpoints "
                                    "WHERE run = ? ORDER BY step");
    query.bind(1, run);
    // A relative path is relative to the store's folder, so a store moves together with its
    // checkpoints (the demo store shipped with the project keeps them that way).
    const auto folder = std::filesystem::path(path()).parent_path();
    std::vector<CheckpointRecord> result;
    while (query.step()) {
        std::filesystem::path file = query.text(1);
        if (file.is_relative())
            file = folder / file;
        result.push_back({query.integer(0), file.string(), query.text(2), query.real(3)});
    }
    return result;
}

} // namespace relay
