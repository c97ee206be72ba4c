// The LibTorch archive reader (model/archive_reader.h): what torch::save wrote reads back exactly,
// and hand-made pickles that LibTorch's own unpickler would index past its stack, or that call
// globals LibTorch never writes, or whose tensors reach past their data, are refused by name.
#include "model/archive_reader.h"

#include <caffe2/serialize/inline_container.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace relay {
namespace {

std::string saved(const std::vector<torch::Tensor>& tensors) {
    std::string bytes;
    torch::save(tensors, [&bytes](const void* data, std::size_t size) {
        bytes.append(static_cast<const char*>(data), size);
        return size;
    });
    return bytes;
}

// A zip archive of `pickle` as data.pkl and the given data records.
std::string archiveOf(const std::string& pickle,
                      const std::vector<std::pair<std::string, std::string>>& records = {}) {
    std::string out;
    caffe2::serialize::PyTorchStreamWriter writer([&out](const void* data, std::size_t size) {
        out.append(static_cast<const char*>(data), size);
        return size;
    });
    writer.writeRecord("data.pkl", pickle.data(), pickle.size());
    for (const auto& [name, bytes] : records)
        writer.writeRecord(name, bytes.data(), bytes.size());
    writer.writeEndOfFile();
    return out;
}

// Pickle pieces, protocol 2.
std::string text(const std::string& value) {
    std::string out = "X";
    for (int index = 0; index < 4; ++index)
        out.push_back(static_cast<char>((value.size() >> (8 * index)) & 0xFF));
    return out + value;
}

std::string small(int value) { // BININT1
    return std::string("K") + static_cast<char>(value);
}

// One object whose attributes are `items` (name, value pairs already encoded).
std::string objectPickle(const std::string& items) {
    return std::string("\x80\x02") + "c__torch__\nModule\n)\x81}(" + items + "ub.";
}

// A float tensor of `sizes` (one dimension) and stride 1 on storage "0" of `count` floats.
std::string floatTensor(int count, int size) {
    return "ctorch._utils\n_rebuild_tensor_v2\n((" + text("storage") + "ctorch\nFloatStorage\n" +
           text("0") + text("cpu") + small(count) + "tQ" + small(0) + "(" + small(size) + "t(" +
           small(1) + "t\x89Nt" + "R";
}

std::string floatBytes(const std::vector<float>& values) {
    return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
}

std::string errorOf(const std::string& archive) {
    try {
        readArchive(archive);
    } catch (const ArchiveError& error) {
        return error.what();
    }
    return "";
}

TEST(ArchiveReader, ReadsBackWhatTorchSaveWrote) {
    torch::manual_seed(3);
    const auto matrix = torch::randn({3, 4});
    const auto integers = torch::arange(5, torch::kLong);
    const std::vector<torch::Tensor> tensors = {matrix, matrix.t(), integers, torch::empty({0, 2}),
                                                matrix.narrow(0, 1, 2)};
    const auto archive = readArchive(saved(tensors));
    ASSERT_EQ(archive.size(), tensors.size());
    for (std::size_t index = 0; index < tensors.size(); ++index) {
        const auto found = archive.find(std::to_string(index));
        ASSERT_NE(found, archive.end()) << index;
        const auto& tensor = found->value().toTensor();
        EXPECT_EQ(tensor.scalar_type(), tensors[index].scalar_type()) << index;
        EXPECT_EQ(tensor.sizes(), tensors[index].sizes()) << index;
        EXPECT_TRUE(torch::equal(tensor, tensors[index])) << index;
    }
}

TEST(ArchiveReader, ReadsAHandMadeObject) {
    // The hand-made pickles below differ from this one only where they are wrong.
    const auto archive = readArchive(
        archiveOf(objectPickle(text("weights") + floatTensor(4, 4) + text("step") + small(7)),
                  {{"data/0", floatBytes({1.5f, -2.0f, 0.25f, 8.0f})}}));
    ASSERT_EQ(archive.size(), 2u);
    EXPECT_TRUE(
        torch::equal(archive.at("weights").toTensor(), torch::tensor({1.5f, -2.0f, 0.25f, 8.0f})));
    EXPECT_EQ(archive.at("step").toInt(), 7);
}

TEST(ArchiveReader, RefusesMalformedPicklesByWhatIsWrong) {
    const std::string data = floatBytes({1, 2, 3, 4});
    const std::vector<std::pair<std::string, std::string>> cases = {
        // An attribute without a value: LibTorch 1.13's unpickler reads past its stack.
        {objectPickle(text("weights")), "sets attributes"},
        {objectPickle(text("x") + "cos\nsystem\n"), "'os.system'"},
        {objectPickle(text("x") + "h\x05"), "never memoized"},
        {objectPickle(text("x") + "N\x85\x85\x85\x85\x85"), "nests tuples"},
        {objectPickle(text("x") + "t"), "closes a mark"},
        {objectPickle(text("x") + small(1)) + "N", "after its end"},
        {objectPickle(text("x") + small(1)).substr(0, 20), "ends in the middle"},
        {objectPickle(text("x") + floatTensor(4, 9)), "reaches past"},
        {objectPickle(text("x") + floatTensor(6, 6)), "bytes of data"},
        {objectPickle(text("x") + "\x94"), "instruction"},
    };
    for (const auto& [pickle, expected] : cases) {
        const auto message = errorOf(archiveOf(pickle, {{"data/0", data}}));
        EXPECT_NE(message.find(expected), std::string::npos)
            << "expected '" << expected << "', got '" << message << "'";
    }
    EXPECT_NE(errorOf("not a zip archive").find("unreadable archive"), std::string::npos);
}

TEST(ArchiveReader, RewritesForLibTorchOnlyAllowedNames) {
    const auto archive = readArchive(
        archiveOf(objectPickle(text("weights") + floatTensor(4, 4) + text("step") + small(7)),
                  {{"data/0", floatBytes({1.5f, -2.0f, 0.25f, 8.0f})}}));
    const auto rewritten = rewrittenArchive(archive, [](const std::string&) { return true; });
    torch::serialize::InputArchive input;
    input.load_from(rewritten.data(), rewritten.size());
    torch::Tensor weights;
    input.read("weights", weights);
    EXPECT_TRUE(torch::equal(weights, torch::tensor({1.5f, -2.0f, 0.25f, 8.0f})));
    c10::IValue step;
    input.read("step", step);
    EXPECT_EQ(step.toInt(), 7);
    try {
        rewrittenArchive(archive, [](const std::string& name) { return name != "step"; });
        FAIL() << "a refused name was written";
    } catch (const ArchiveError& error) {
        EXPECT_NE(std::string(error.what()).find("'step'"), std::string::npos) << error.what();
    }
}

} // namespace
} // namespace relay
