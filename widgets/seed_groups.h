// Runs that differ only in their seed, grouped, and their curves aggregated: the run comparison
// draws each group as one line (the mean over its runs) with a band from their minimum to their
// maximum, the way a result over several seeds is reported.
#pragma once

#include "run_series.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace relay {

// Top-level config keys two runs of one group may differ in: the seed (what varies) and the
// run's name (a label). Every other key changes what is trained or measured, so it splits
// groups; so does the run kind, which the config does not hold. The runs a run starts from and
// takes chains from (its parent and generator run, `relay train --parent`, `--generator`) are
// columns of the run, not config keys: they split no group, except as below.
//
// One more difference is the seed's: `data.train_file` of a Stage II fine-tune (ar-relay,
// ar-self) names a file its own seed's pipeline wrote, and each seed's pipeline writes into
// its own folder. Two train files count as the same file of different seeds' pipelines when
//   - they have the same file name (finetune-all.jsonl, finetune-verified.jsonl,
//     finetune-label-free.jsonl, self-finetune-phase-<k>.jsonl: another chain selection is
//     another file),
//   - in sibling pipeline folders, which `relay pipeline` names in one of two ways: with
//     --folder F (and --seeds N) F/seed-<seed>, <seed> the run's own seed; by default
//     <store's folder>/pipelines/<name>-<8 hex digits>, <name> the pipeline's (the same for
//     every seed) and the digits a hash of its whole config, seed included,
//   - and the runs' parents, and their generators, are among the runs grouped and in one
//     group. The folder's hash cannot be checked against the fine-tune's config, which keeps
//     Stage II's steps and learning rate in place of Stage I's: without this, fine-tunes of
//     pipelines with different Stage I training would group. Fine-tunes compared without
//     their Stage I runs therefore stay apart.
// Any other pair of different train files keeps its runs apart.
const std::vector<std::string>& seedGroupIgnoredKeys();

// `file` with its seed's pipeline folder replaced by a placeholder, so that the same file of
// two seeds' pipelines (above) compares equal; nullopt when `file` is not in such a folder.
std::optional<std::string> seedlessPipelineFile(const std::string& file, std::uint64_t seed);

// Groups of run ids, each in the order of `runs`, the groups in the order of their first run.
// Configs are compared as this version writes them (currentFormConfig), so runs stored by
// different versions still group. A run without a readable stored config stays alone.
std::vector<std::vector<std::int64_t>> groupRunsBySeed(const std::vector<RunRecord>& runs);

// Curves of one group aggregated at every x any of them has (the union of their x): mean,
// minimum and maximum over the curves that have a value at that x, and how many do. A run that
// skipped a step, or has not reached it yet, is left out there rather than counted as zero, so
// `runs` may vary along x. Within one curve a repeated x counts once, with its last value;
// values that are not finite (a diverged run's loss) are left out, and an x where no finite
// value is left has NaN statistics (a gap in the line) and runs 0. x ascending.
struct SeedBand {
    QVector<double> x, mean, min, max;
    QVector<int> runs;
};
SeedBand aggregateCurves(const std::vector<XYSeries>& curves);

// One metric of a group's runs, aggregated by step. Along wall time the runs are still lined
// up by step (their clocks differ, so equal wall times are no common point): each point sits at
// the mean wall time at which the runs that have the step reached it.
SeedBand seedBandOfMetric(const std::vector<const RunData*>& runs, const QString& metric,
                          XAxisMode mode);

// `measure` at each run's last evaluation, aggregated over the runs that measured it there: by
// length (accuracyByLengthAtEnd), or for StepAccuracy by CoT step at test `length`
// (stepAccuracyAtEnd). *usedStopping: the rule of the first run (by length only).
SeedBand seedBandOfAccuracy(const std::vector<const RunData*>& runs, const QStringList& preferred,
                            QString* usedStopping = nullptr,
                            EvalMeasure measure = EvalMeasure::AnswerAccuracy, int length = 0);

// What a group's runs are called together: the longest common start of their names, cut back
// to a whole word and without trailing separators ("sweep-s1", "sweep-s2" -> "sweep"); empty
// when they share no word.
std::string commonRunName(const std::vector<std::string>& names);

} // namespace relay
