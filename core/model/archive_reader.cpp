#include "model/archive_reader.h"

#include <caffe2/serialize/inline_container.h>
#include <torch/torch.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <memory>
#include <sstream>
#include <utility>
#include <vector>

namespace relay {
namespace {

// Pickle protocol 2 instructions that torch::save and OutputArchive write.
enum Opcode : unsigned char {
    kProto = 0x80,
    kGlobal = 'c',
    kBinPut = 'q',
    kLongBinPut = 'r',
    kBinGet = 'h',
    kLongBinGet = 'j',
    kBinInt1 = 'K',
    kBinInt2 = 'M',
    kBinInt = 'J',
    kLong1 = 0x8a,
    kBinFloat = 'G',
    kBinUnicode = 'X',
    kMark = '(',
    kTuple = 't',
    kTuple1 = 0x85,
    kTuple2 = 0x86,
    kTuple3 = 0x87,
    kEmptyTuple = ')',
    kEmptyDict = '}',
    kSetItems = 'u',
    kNewTrue = 0x88,
    kNewFalse = 0x89,
    kNone = 'N',
    kBinPersId = 'Q',
    kNewObj = 0x81,
    kReduce = 'R',
    kBuild = 'b',
    kStop = '.',
};

// Objects (or tuples) nested deeper than this are no optimizer's or module's state; the bound
// also keeps every walk over the tree (and its destruction) shallow.
constexpr int kDeepestObject = 16;
constexpr int kDeepestTuple = 4;
constexpr std::size_t kMostDimensions = 16;
constexpr std::size_t kLongestGlobalName = 256;

// What a value on the reader's stack is. Globals and storage types exist only while the pickle
// is read; what ends in an object is the kinds ArchiveObject allows.
enum class Kind {
    None,
    Int,
    Float,
    Bool,
    String,
    Tuple,
    Tensor,
    Storage,       // a tensor's storage, as BINPERSID loads it
    ScalarType,    // torch.FloatStorage and its kin: the dtype of a storage
    State,         // a dict being filled with an object's attributes
    Object,        // an object built from its state
    ClassGlobal,   // a class of the archive (__torch__.*), waiting for its state
    RebuildGlobal, // torch._utils._rebuild_tensor_v2
    OrderedDictGlobal,
};

struct Value {
    Value() = default;
    Value(Kind kind, c10::IValue value) : kind(kind), value(std::move(value)) {}

    Kind kind = Kind::None;
    c10::IValue value;                               // scalars, strings, tensors, objects
    std::shared_ptr<const std::vector<Value>> items; // a tuple's elements
    int depth = 0;                                   // of tuples within tuples
};

// An attribute name or string shown in a message: printable ASCII only, at most 40 characters.
std::string shown(const std::string& text) {
    std::string out;
    for (std::size_t index = 0; index < text.size() && index < 40; ++index)
        out.push_back(text[index] >= 0x20 && text[index] < 0x7f ? text[index] : '?');
    return out + (text.size() > 40 ? "..." : "");
}

struct StorageType {
    const char* name;
    at::ScalarType type;
};

constexpr StorageType kStorageTypes[] = {
    {"FloatStorage", at::kFloat},       {"DoubleStorage", at::kDouble}, {"HalfStorage", at::kHalf},
    {"BFloat16Storage", at::kBFloat16}, {"LongStorage", at::kLong},     {"IntStorage", at::kInt},
    {"ShortStorage", at::kShort},       {"CharStorage", at::kChar},     {"ByteStorage", at::kByte},
    {"BoolStorage", at::kBool},
};

bool isIdentifier(const std::string& text) {
    if (text.empty() || text.size() > 64 || std::isdigit(static_cast<unsigned char>(text[0])))
        return false;
    for (char character : text)
        if (!std::isalnum(static_cast<unsigned char>(character)) && character != '_')
            return false;
    return true;
}

// The pickle's interpreter: a stack machine over the instructions above, every pop bounded by
// the innermost mark and every operand checked before it is used.
class PickleReader {
public:
    PickleReader(std::string_view pickle, caffe2::serialize::PyTorchStreamReader& records)
        : m_pickle(pickle), m_records(records) {}

    ArchiveObject read() {
        if (byte() != kProto || byte() != 2)
            throw ArchiveError("data.pkl is not a protocol 2 pickle");
        while (true) {
            const unsigned char opcode = byte();
            if (opcode == kStop)
                break;
            step(opcode);
        }
        if (m_position != m_pickle.size())
            throw ArchiveError("data.pkl has bytes after its end");
        if (m_stack.size() != 1 || !m_marks.empty() || m_stack.back().kind != Kind::Object)
            throw ArchiveError("data.pkl does not end with one saved object");
        return m_stack.back().value.toGenericDict();
    }

private:
    void step(unsigned char opcode) {
        switch (opcode) {
        case kGlobal: {
            const std::string module = line();
            const std::string name = line();
            push(global(module, name));
            break;
        }
        case kBinPut:
            put(byte());
            break;
        case kLongBinPut:
            put(unsignedInteger(4));
            break;
        case kBinGet:
            get(byte());
            break;
        case kLongBinGet:
            get(unsignedInteger(4));
            break;
        case kBinInt1:
            push({Kind::Int, static_cast<std::int64_t>(byte())});
            break;
        case kBinInt2:
            push({Kind::Int, static_cast<std::int64_t>(unsignedInteger(2))});
            break;
        case kBinInt:
            push({Kind::Int,
                  static_cast<std::int64_t>(static_cast<std::int32_t>(unsignedInteger(4)))});
            break;
        case kLong1:
            if (byte() != 8)
                throw ArchiveError("data.pkl has an integer that is not 8 bytes long");
            push({Kind::Int, static_cast<std::int64_t>(unsignedInteger(8))});
            break;
        case kBinFloat: {
            const std::uint64_t bits = bigEndian(8);
            double number = 0;
            std::memcpy(&number, &bits, sizeof number);
            push({Kind::Float, number});
            break;
        }
        case kBinUnicode: {
            const std::uint64_t length = unsignedInteger(4);
            push({Kind::String, std::string(bytes(length))});
            break;
        }
        case kMark:
            m_marks.push_back(m_stack.size());
            break;
        case kTuple: {
            const std::size_t start = popMark();
            tupleOf(m_stack.size() - start);
            break;
        }
        case kTuple1:
        case kTuple2:
        case kTuple3:
            tupleOf(opcode - kTuple1 + 1);
            break;
        case kEmptyTuple:
            tupleOf(0);
            break;
        case kEmptyDict:
            if (++m_openObjects > kDeepestObject)
                throw ArchiveError("data.pkl nests objects more than " +
                                   std::to_string(kDeepestObject) + " deep");
            push(
                {Kind::State, c10::impl::GenericDict(c10::StringType::get(), c10::AnyType::get())});
            break;
        case kSetItems:
            setItems();
            break;
        case kNewTrue:
        case kNewFalse:
            push({Kind::Bool, opcode == kNewTrue});
            break;
        case kNone:
            push({Kind::None, c10::IValue()});
            break;
        case kBinPersId:
            push(storage(pop(Kind::Tuple, "BINPERSID")));
            break;
        case kNewObj:
            // The class's arguments are an empty tuple; its state follows (BUILD).
            if (!pop(Kind::Tuple, "NEWOBJ").items->empty() || top().kind != Kind::ClassGlobal)
                throw ArchiveError("data.pkl creates an object that is not a saved class");
            break;
        case kBuild: {
            Value state = pop(Kind::State, "BUILD");
            pop(Kind::ClassGlobal, "BUILD");
            --m_openObjects;
            push({Kind::Object, state.value});
            break;
        }
        case kReduce:
            reduce();
            break;
        default:
            throw ArchiveError("data.pkl has instruction " + std::to_string(opcode) +
                               ", which LibTorch's archives never hold");
        }
    }

    Value global(const std::string& module, const std::string& name) {
        if ((module == "__torch__" || module.rfind("__torch__.", 0) == 0) && isIdentifier(name))
            return {Kind::ClassGlobal, c10::IValue()};
        if (module == "torch._utils" && name == "_rebuild_tensor_v2")
            return {Kind::RebuildGlobal, c10::IValue()};
        if (module == "collections" && name == "OrderedDict")
            return {Kind::OrderedDictGlobal, c10::IValue()};
        if (module == "torch")
            for (const auto& storageType : kStorageTypes)
                if (name == storageType.name)
                    return {Kind::ScalarType, static_cast<std::int64_t>(storageType.type)};
        throw ArchiveError("data.pkl refers to '" + shown(module) + "." + shown(name) +
                           "', which LibTorch's archives never do");
    }

    // A tensor's storage: ('storage', dtype, key, location, element count), its bytes the data
    // record data/<key>, which must hold them all. Storages shared by tensors are read once.
    Value storage(const Value& arguments) {
        const auto& items = *arguments.items;
        if (items.size() != 5 || items[0].kind != Kind::String ||
            items[0].value.toStringRef() != "storage" || items[1].kind != Kind::ScalarType ||
            items[2].kind != Kind::String || items[3].kind != Kind::String ||
            items[4].kind != Kind::Int)
            throw ArchiveError("data.pkl has a malformed tensor storage reference");
        const std::string& key = items[2].value.toStringRef();
        if (!isIdentifier("k" + key))
            throw ArchiveError("data.pkl names a storage record '" + shown(key) + "'");
        const auto type = static_cast<at::ScalarType>(items[1].value.toInt());
        const std::int64_t count = items[4].value.toInt();
        auto found = m_storages.find(key);
        if (found != m_storages.end()) {
            if (found->second.scalar_type() != type || found->second.numel() != count)
                throw ArchiveError("data.pkl reads storage record 'data/" + key +
                                   "' twice with different types or sizes");
            return {Kind::Storage, found->second};
        }
        const std::string record = "data/" + key;
        if (!m_records.hasRecord(record))
            throw ArchiveError("the archive has no record '" + record + "'");
        auto [data, size] = m_records.getRecord(record);
        const auto elementSize = static_cast<std::uint64_t>(c10::elementSize(type));
        if (count < 0 || static_cast<std::uint64_t>(count) > size / elementSize)
            throw ArchiveError(
                "record '" + record + "' holds " + std::to_string(size) +
                " bytes of data but its storage needs " +
                (count < 0 ? "a negative count of elements"
                           : std::to_string(static_cast<std::uint64_t>(count) * elementSize)));
        auto tensor = torch::empty({count}, torch::TensorOptions().dtype(type));
        if (count > 0)
            std::memcpy(tensor.data_ptr(), data.get(),
                        static_cast<std::size_t>(count) * elementSize);
        m_storages.emplace(key, tensor);
        return {Kind::Storage, tensor};
    }

    void reduce() {
        Value arguments = pop(Kind::Tuple, "REDUCE");
        Value function = pop();
        if (function.kind == Kind::OrderedDictGlobal && arguments.items->empty())
            push({Kind::None, c10::IValue()}); // a tensor's backward hooks: never saved
        else if (function.kind == Kind::RebuildGlobal)
            push(rebuiltTensor(*arguments.items));
        else
            throw ArchiveError("data.pkl calls something other than a tensor's rebuild");
    }

    // (storage, offset, sizes, strides, requires_grad, hooks): a view that must stay inside its
    // storage.
    Value rebuiltTensor(const std::vector<Value>& items) {
        const auto malformed = [] { return ArchiveError("data.pkl has a malformed tensor"); };
        if (items.size() != 6 || items[0].kind != Kind::Storage || items[1].kind != Kind::Int ||
            items[4].kind != Kind::Bool || items[5].kind != Kind::None)
            throw malformed();
        const std::vector<std::int64_t> sizes = integers(items[2]);
        const std::vector<std::int64_t> strides = integers(items[3]);
        const std::int64_t offset = items[1].value.toInt();
        if (sizes.size() != strides.size() || sizes.size() > kMostDimensions || offset < 0)
            throw malformed();
        const at::Tensor& storage = items[0].value.toTensor();
        bool empty = false;
        std::int64_t last = offset;
        for (std::size_t dimension = 0; dimension < sizes.size(); ++dimension) {
            if (sizes[dimension] < 0 || strides[dimension] < 0)
                throw ArchiveError("data.pkl has a tensor of negative size or stride");
            empty = empty || sizes[dimension] == 0;
            std::int64_t reach = 0;
            if (sizes[dimension] > 0 &&
                (__builtin_mul_overflow(sizes[dimension] - 1, strides[dimension], &reach) ||
                 __builtin_add_overflow(last, reach, &last)))
                throw ArchiveError("data.pkl has a tensor too large to address");
        }
        if (!empty && last >= storage.numel())
            throw ArchiveError("data.pkl has a tensor that reaches past its storage's " +
                               std::to_string(storage.numel() * storage.element_size()) +
                               " bytes of data");
        return {Kind::Tensor, storage.as_strided(sizes, strides, empty ? 0 : offset)};
    }

    std::vector<std::int64_t> integers(const Value& tuple) {
        if (tuple.kind != Kind::Tuple)
            throw ArchiveError("data.pkl has a malformed tensor");
        std::vector<std::int64_t> values;
        for (const auto& item : *tuple.items) {
            if (item.kind != Kind::Int)
                throw ArchiveError("data.pkl has a malformed tensor");
            values.push_back(item.value.toInt());
        }
        return values;
    }

    void setItems() {
        const std::size_t start = popMark();
        if (start == 0 || m_stack[start - 1].kind != Kind::State ||
            (m_stack.size() - start) % 2 != 0)
            throw ArchiveError("data.pkl sets attributes on something that is not an object");
        auto state = m_stack[start - 1].value.toGenericDict();
        for (std::size_t index = start; index < m_stack.size(); index += 2) {
            if (m_stack[index].kind != Kind::String)
                throw ArchiveError("data.pkl has an attribute whose name is not a string");
            const std::string& name = m_stack[index].value.toStringRef();
            if (!state.insert(name, attribute(m_stack[index + 1], name)).second)
                throw ArchiveError("data.pkl sets attribute '" + shown(name) + "' twice");
        }
        m_stack.resize(start);
    }

    // An attribute's value as ArchiveObject holds it.
    c10::IValue attribute(const Value& value, const std::string& name) {
        switch (value.kind) {
        case Kind::None:
        case Kind::Int:
        case Kind::Float:
        case Kind::Bool:
        case Kind::String:
        case Kind::Tensor:
        case Kind::Object:
            return value.value;
        case Kind::Tuple: {
            std::vector<c10::IValue> elements;
            for (const auto& item : *value.items) {
                if (item.kind == Kind::Tuple || item.kind == Kind::Tensor ||
                    item.kind == Kind::Object)
                    throw ArchiveError("attribute '" + shown(name) + "' is a nested tuple");
                elements.push_back(attribute(item, name));
            }
            return c10::ivalue::Tuple::create(std::move(elements));
        }
        default:
            throw ArchiveError("attribute '" + shown(name) + "' holds no saved value");
        }
    }

    void tupleOf(std::size_t count) {
        if (count > m_stack.size() - floor())
            throw ArchiveError("data.pkl builds a tuple from values it does not have");
        auto items = std::make_shared<std::vector<Value>>(m_stack.end() - count, m_stack.end());
        m_stack.resize(m_stack.size() - count);
        int depth = 1;
        for (const auto& item : *items)
            depth = std::max(depth, item.depth + 1);
        if (depth > kDeepestTuple)
            throw ArchiveError("data.pkl nests tuples more than " + std::to_string(kDeepestTuple) +
                               " deep");
        Value tuple(Kind::Tuple, c10::IValue());
        tuple.items = std::move(items);
        tuple.depth = depth;
        push(std::move(tuple));
    }

    // An object's state is never memoized: recalled after its BUILD, it could be changed, or
    // made to hold its own object.
    void put(std::uint64_t index) {
        if (m_stack.empty() || index > m_memo.size() || m_stack.back().kind == Kind::State)
            throw ArchiveError("data.pkl memoizes out of order");
        if (index == m_memo.size())
            m_memo.push_back(m_stack.back());
        else
            m_memo[index] = m_stack.back();
    }

    void get(std::uint64_t index) {
        if (index >= m_memo.size())
            throw ArchiveError("data.pkl recalls a value it never memoized");
        push(m_memo[index]);
    }

    std::size_t floor() const { return m_marks.empty() ? 0 : m_marks.back(); }

    std::size_t popMark() {
        if (m_marks.empty())
            throw ArchiveError("data.pkl closes a mark it never set");
        const std::size_t start = m_marks.back();
        m_marks.pop_back();
        return start;
    }

    const Value& top() const {
        if (m_stack.size() <= floor())
            throw ArchiveError("data.pkl reads past the values it has");
        return m_stack.back();
    }

    Value pop() {
        top();
        Value value = std::move(m_stack.back());
        m_stack.pop_back();
        return value;
    }

    Value pop(Kind kind, const char* instruction) {
        Value value = pop();
        if (value.kind != kind)
            throw ArchiveError(std::string("data.pkl has ") + instruction +
                               " on a value of the wrong kind");
        if (kind == Kind::Tuple && !value.items)
            throw ArchiveError("data.pkl has a malformed tuple");
        return value;
    }

    void push(Value value) { m_stack.push_back(std::move(value)); }

    std::string_view bytes(std::uint64_t count) {
        if (count > m_pickle.size() - m_position)
            throw ArchiveError("data.pkl ends in the middle of an instruction");
        const auto start = m_position;
        m_position += static_cast<std::size_t>(count);
        return m_pickle.substr(start, static_cast<std::size_t>(count));
    }

    unsigned char byte() { return static_cast<unsigned char>(bytes(1)[0]); }

    std::uint64_t unsignedInteger(int count) { // little-endian
        const std::string_view data = bytes(static_cast<std::uint64_t>(count));
        std::uint64_t value = 0;
        for (int index = count - 1; index >= 0; --index)
            value =
                (value << 8) | static_cast<unsigned char>(data[static_cast<std::size_t>(index)]);
        return value;
    }

    std::uint64_t bigEndian(int count) {
        const std::string_view data = bytes(static_cast<std::uint64_t>(count));
        std::uint64_t value = 0;
        for (char character : data)
            value = (value << 8) | static_cast<unsigned char>(character);
        return value;
    }

    std::string line() {
        const auto end = m_pickle.find('\n', m_position);
        if (end == std::string_view::npos || end - m_position > kLongestGlobalName)
            throw ArchiveError("data.pkl has a malformed global name");
        std::string text(m_pickle.substr(m_position, end - m_position));
        m_position = end + 1;
        return text;
    }

    std::string_view m_pickle;
    std::size_t m_position = 0;
    caffe2::serialize::PyTorchStreamReader& m_records;
    std::vector<Value> m_stack;
    std::vector<std::size_t> m_marks;
    std::vector<Value> m_memo;
    std::map<std::string, at::Tensor> m_storages;
    int m_openObjects = 0; // states created and not yet built
};

void writeObject(torch::serialize::OutputArchive& archive, const ArchiveObject& object,
                 const std::function<bool(const std::string&)>& nameAllowed, int depth) {
    if (depth > kDeepestObject)
        throw ArchiveError("objects nested more than " + std::to_string(kDeepestObject) + " deep");
    for (const auto& entry : object) {
        const std::string& name = entry.key().toStringRef();
        if (!nameAllowed(name))
            throw ArchiveError("unexpected attribute '" + shown(name) + "'");
        const c10::IValue& value = entry.value();
        if (value.isGenericDict()) {
            torch::serialize::OutputArchive child(archive.compilation_unit());
            writeObject(child, value.toGenericDict(), nameAllowed, depth + 1);
            archive.write(name, child);
        } else if (value.isTensor()) {
            archive.write(name, value.toTensor());
        } else {
            archive.write(name, value);
        }
    }
}

} // namespace

ArchiveObject readArchive(std::string_view bytes) {
    try {
        std::istringstream in{std::string(bytes)};
        caffe2::serialize::PyTorchStreamReader records(&in);
        if (!records.hasRecord("data.pkl"))
            throw ArchiveError("the archive has no data.pkl");
        auto [data, size] = records.getRecord("data.pkl");
        const std::string_view pickle(static_cast<const char*>(data.get()), size);
        return PickleReader(pickle, records).read();
    } catch (const c10::Error& error) { // the zip container itself is damaged
        const std::string what = error.what_without_backtrace();
        throw ArchiveError("unreadable archive: " + what.substr(0, what.find('\n')));
    }
}

std::string rewrittenArchive(const ArchiveObject& root,
                             const std::function<bool(const std::string&)>& nameAllowed) {
    torch::serialize::OutputArchive archive;
    writeObject(archive, root, nameAllowed, 0);
    std::string bytes;
    archive.save_to([&bytes](const void* data, std::size_t size) {
        bytes.append(static_cast<const char*>(data), size);
        return size;
    });
    return bytes;
}

void forEachTensor(const ArchiveObject& object,
                   const std::function<void(const std::string& name, const at::Tensor&)>& visit) {
    for (const auto& entry : object) {
        if (entry.value().isGenericDict())
            forEachTensor(entry.value().toGenericDict(), visit);
        else if (entry.value().isTensor())
            visit(entry.key().toStringRef(), entry.value().toTensor());
    }
}

} // namespace relay
