// What a checkpoint file says about itself, without LibTorch: the GUI, the run store and the
// CLI read step, config and vocabulary through readCheckpointMetadata (checksum-verified).
// Saving and loading the tensors is in checkpoint.h.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace relay {

// Version 1 is the layout described in checkpoint_format.h.
inline constexpr int kCheckpointFormatVersion = 1;

// Every failure to write, read or apply a checkpoint; the message names the file.
class CheckpointError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The learning-rate schedule's position: plain numbers, so the trainer rebuilds it exactly.
struct SchedulerState {
    std::int64_t step = 0;
    double baseLearningRate = 0.0;
    std::int64_t warmupSteps = 0;
    std::int64_t totalSteps = 0;

    bool operator==(const SchedulerState& other) const {
        return step == other.step && baseLearningRate == other.baseLearningRate &&
               warmupSteps == other.warmupSteps && totalSteps == other.totalSteps;
    }
};

// The gated length curriculum's position (train/curriculum_gate.h): the longest allowed length
// and the answer losses of the window under way. Length 0: none (a step-scheduled curriculum,
// or a checkpoint written before the gate existed).
struct CurriculumState {
    int length = 0;
    double lossSum = 0.0;
    std::int64_t steps = 0;

    bool operator==(const CurriculumState& other) const {
        return length == other.length && lossSum == other.lossSum && steps == other.steps;
    }
};

// A parameter or buffer as the checkpoint records it (tensors are stored in this order).
struct CheckpointTensorInfo {
    std::string name;
    std::vector<std::int64_t> shape;
    std::string dataType; // LibTorch's name of the scalar type, e.g. "Float"
    bool isBuffer = false;
};

struct CheckpointMetadata {
    // Supplied by the caller when saving.
    std::int64_t step = 0;
    std::string configJson;     // the run's full resolved config, stored verbatim
    std::string vocabularyJson; // Vocabulary::toJson()
    std::string randomState;    // the caller's std::mt19937_64, as written by operator<<
    SchedulerState scheduler;
    CurriculumState curriculum;

    // Filled in by the writer; ignored when passed to saveCheckpoint.
    int formatVersion = kCheckpointFormatVersion;
    std::string engineVersion;
    std::vector<CheckpointTensorInfo> tensors;
    bool hasOptimizerState = false;
    std::string checksumHex; // CRC-32 of the file, as the run store records it
};

// Reads and verifies the whole file (magic, size, checksum, version) but decodes only the
// metadata. Throws CheckpointError naming the file.
CheckpointMetadata readCheckpointMetadata(const std::string& path);

} // namespace relay
