#include "model/flop_count.h"

#include <torch/torch.h>

namespace relay {

double layerMatmulFlops(const ModelConfig& config, double rows, double length) {
    const double d = static_cast<double>(config.hiddenSize);
    const double tokens = rows * length;
    const double projections =
        2.0 * tokens * (4.0 + 2.0 * static_cast<double>(config.mlpRatio)) * d * d;
    const double attention = 2.0 * 2.0 * rows * length * length * d;
    return projections + attention;
}

double loopedForwardFlops(const ModelConfig& config, const LoopedBatchTensors& batch,
                          const torch::Tensor& readOutMask) {
    double flops = 0.0;
    const auto width = static_cast<double>(batch.inputIds.size(1));
    for (std::int64_t t = 1; t <= batch.stepMask.size(0); ++t) {
        const double active = batch.iterations.ge(t).sum().item<double>();
        flops += static_cast<double>(config.layers) * layerMatmulFlops(config, active, width);
    }
    const double readOuts =
        readOutMask.sum().item<double>() + static_cast<double>(batch.inputIds.size(0));
    return flops + 2.0 * static_cast<double>(config.hiddenSize * config.vocabularySize) * readOuts;
}

double arForwardFlops(const ModelConfig& config, const ArBatchTensors& batch,
                      const torch::Tensor& readOutMask) {
    const auto rows = static_cast<double>(batch.tokens.size(0));
    const auto length = static_cast<double>(batch.tokens.size(1));
    return static_cast<double>(config.layers) * layerMatmulFlops(config, rows, length) +
           2.0 * static_cast<double>(config.hiddenSize * config.vocabularySize) *
               readOutMask.sum().item<double>();
}

} // namespace relay
