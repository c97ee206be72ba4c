// What the checkpoint tests share: a small stand-in model (embedding, layer norm, dropout,
// linear head and a buffer, so every kind of state is covered without the real models) and a
// scratch folder that is removed afterwards.
#pragma once

#include <torch/torch.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace relay::checkpoint_fixture {

inline const torch::Device kCpu(torch::kCPU);

struct StandInImpl : torch::nn::Module {
    explicit StandInImpl(std::int64_t width = 8, std::int64_t vocabularySize = 11)
        : embedding(register_module("embedding", torch::nn::Embedding(vocabularySize, width))),
          norm(register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({width})))),
          dropout(register_module("dropout", torch::nn::Dropout(0.2))),
          head(register_module("head", torch::nn::Linear(width, vocabularySize))),
          scale(register_buffer("scale", torch::rand({width}) + 0.5)) {}

    torch::Tensor forward(const torch::Tensor& tokens) {
        return head(dropout(norm(embedding(tokens) * scale)));
    }

    torch::nn::Embedding embedding;
    torch::nn::LayerNorm norm;
    torch::nn::Dropout dropout;
    torch::nn::Linear head;
    torch::Tensor scale;
};
TORCH_MODULE(StandIn);

inline torch::Tensor sampleTokens() {
    return torch::tensor({{1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}}, torch::kLong);
}

inline torch::Tensor sampleTargets() {
    return torch::tensor({{2, 3, 4, 5, 6}, {7, 8, 9, 10, 0}}, torch::kLong);
}

// One AdamW step on the fixed sample, so optimizer state and dropout both matter.
inline void trainStep(StandIn& model, torch::optim::Optimizer& optimizer) {
    model->train();
    optimizer.zero_grad();
    const auto logits = model->forward(sampleTokens());
    const auto loss = torch::nn::functional::cross_entropy(logits.reshape({-1, logits.size(-1)}),
                                                           sampleTargets().reshape({-1}));
    loss.backward();
    optimizer.step();
}

inline torch::optim::AdamW makeOptimizer(StandIn& model, double learningRate = 1e-2) {
    return torch::optim::AdamW(model->parameters(),
                               torch::optim::AdamWOptions(learningRate).weight_decay(0.05));
}

inline torch::Tensor evaluate(StandIn& model) {
    torch::NoGradGuard noGradient;
    model->eval();
    return model->forward(sampleTokens());
}

// A fresh folder per test under the system's temporary directory.
class ScratchFolder {
public:
    ScratchFolder() {
        static int counter = 0;
        const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
        m_path = std::filesystem::temp_directory_path() /
                 ("relay-" + std::string(test ? test->name() : "test") + "-" +
                  std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::create_directories(m_path);
    }
    ~ScratchFolder() {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }
    ScratchFolder(const ScratchFolder&) = delete;
    ScratchFolder& operator=(const ScratchFolder&) = delete;

    std::string file(const std::string& name) const { return (m_path / name).string(); }
    const std::filesystem::path& path() const { return m_path; }

    std::size_t entryCount() const {
        std::size_t count = 0;
        for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(m_path))
            ++count;
        return count;
    }

private:
    std::filesystem::path m_path;
};

inline std::string fileContents(const std::string& path) {
    std::ifstream stream(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(stream), {});
}

inline void writeContents(const std::string& path, const std::string& contents) {
    std::ofstream stream(path, std::ios::binary | std::ios::trunc);
    stream << contents;
}

} // namespace relay::checkpoint_fixture
