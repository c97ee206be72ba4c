#include "experiment_form.h"

#include "config/config_keys.h"
#include "config/experiment_config.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

#include <climits>
#include <stdexcept>

namespace relay {
namespace {

using nlohmann::json;

// Sections of the form, by the key's first part; unknown parts get a section of their own.
QString sectionOf(const QString& key) {
    const QString head = key.section(QLatin1Char('.'), 0, 0);
    if (head == QLatin1String("tasks") || head.endsWith(QLatin1String("_lengths")) ||
        head == QLatin1String("data"))
        return QObject::tr("Task and lengths");
    if (head == QLatin1String("model"))
        return QObject::tr("Model");
    if (head == QLatin1String("objective") || head == QLatin1String("iterations"))
        return QObject::tr("Objective and loop iterations");
    if (head == QLatin1String("optimizer") || head == QLatin1String("schedule"))
        return QObject::tr("Optimizer and schedule");
    if (head == QLatin1String("training"))
        return QObject::tr("Training");
    if (head == QLatin1String("eval") || head == QLatin1String("checkpoint"))
        return QObject::tr("Evaluation and checkpoints");
    if (head == QLatin1String("stage2") || head == QLatin1String("pipeline"))
        return QObject::tr("Stage II and pipeline");
    return QObject::tr("Run");
}

QString labelOf(const QString& key) {
    QStringList parts = key.split(QLatin1Char('.'));
    parts.removeAll(QStringLiteral("0"));
    QString label = parts.size() > 1 ? parts.mid(1).join(QLatin1Char(' ')) : parts.first();
    if (parts.first() == QLatin1String("tasks") && label != QLatin1String("task"))
        label = QObject::tr("task ") + label;
    if (parts.first().endsWith(QLatin1String("_lengths")))
        label = parts.first().section(QLatin1Char('_'), 0, 0) + QLatin1Char(' ') + label;
    label.replace(QLatin1Char('_'), QLatin1Char(' '));
    return label;
}

} // namespace

json* jsonAtPath(json& document, const QString& key, bool create) {
    json* node = &document;
    for (const QString& part : key.split(QLatin1Char('.'))) {
        bool isIndex = false;
        const int index = part.toInt(&isIndex);
        if (isIndex && node->is_array()) {
            if (index >= static_cast<int>(node->size())) {
                if (!create)
                    return nullptr;
                node->push_back(json::object());
            }
            node = &(*node)[static_cast<std::size_t>(index)];
        } else {
            const std::string name = part.toStdString();
            if (!node->is_object() || !node->contains(name)) {
                if (!create)
                    return nullptr;
                if (!node->is_object())
                    *node = json::object();
            }
            node = &(*node)[name];
        }
    }
    return node;
}

json mergedOverDefaults(const json& config) {
    json merged = defaultConfigJson();
    if (!config.is_object())
        return merged;
    merged.merge_patch(config);
    if (config.contains("tasks"))
        merged["tasks"] = config["tasks"];
    return merged;
}

json differenceFromDefaults(const json& config) {
    const json defaults = defaultConfigJson();
    json patch = json::diff(defaults, config);
    json result = json::object();
    for (const auto& operation : patch) {
        const std::string path = operation.value("path", "");
        if (path.rfind("/tasks", 0) == 0) {
            result["tasks"] = config.at("tasks");
            continue;
        }
        if (operation.value("op", "") == "remove")
            continue; // a key the defaults have and the config lacks: the default applies
        const json::json_pointer pointer(path);
        result[pointer] = config.at(pointer);
    }
    return result;
}

ExperimentForm::ExperimentForm(QWidget* parent) : QWidget(parent) {
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    auto* content = new QWidget(scroll);
    auto* columns = new QHBoxLayout(content);
    scroll->setWidget(content);
    outer->addWidget(scroll);

    QMap<QString, QFormLayout*> sections;
    QList<QGroupBox*> boxes;
    auto formFor = [&](const QString& key) {
        const QString title = sectionOf(key);
        if (!sections.contains(title)) {
            auto* box = new QGroupBox(title, content);
            auto* form = new QFormLayout(box);
            form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
            sections.insert(title, form);
            boxes.append(box);
        }
        return sections.value(title);
    };
    auto choicesOf = [](const std::vector<std::string>& choices) {
        QStringList list;
        for (const auto& choice : choices)
            list.append(QString::fromStdString(choice));
        return list;
    };

    // Run and task first (what a user changes most), then the model, then the rest; every
    // editor, choice list and tooltip comes from the config key table.
    auto isFirst = [](const QString& key) {
        return sectionOf(key) == tr("Run") || sectionOf(key) == tr("Task and lengths");
    };
    auto isModel = [](const QString& key) { return key.startsWith(QLatin1String("model.")); };
    auto buildKey = [&](const ConfigKey& entry) {
        const QString key = QString::fromStdString(entry.key);
        buildEditor(key, entry.defaultValue, QString::fromStdString(entry.meaning),
                    choicesOf(entry.choices), content, formFor(key));
        if (key == QLatin1String("name"))
            for (const TaskKey& task : taskKeys()) {
                const QString taskKey =
                    QStringLiteral("tasks.0.") + QString::fromStdString(task.key);
                buildEditor(taskKey, task.defaultValue, QString::fromStdString(task.meaning),
                            choicesOf(task.choices), content, formFor(taskKey));
            }
    };
    for (const ConfigKey& entry : configKeys())
        if (isFirst(QString::fromStdString(entry.key)))
            buildKey(entry);
    for (const ConfigKey& entry : configKeys())
        if (isModel(QString::fromStdString(entry.key)))
            buildKey(entry);
    for (const ConfigKey& entry : configKeys()) {
        const QString key = QString::fromStdString(entry.key);
        if (!isFirst(key) && !isModel(key))
            buildKey(entry);
    }
    // Two columns of sections, balanced by their number of fields.
    QVBoxLayout* column[2] = {new QVBoxLayout, new QVBoxLayout};
    int rows[2] = {0, 0};
    for (QGroupBox* box : boxes) {
        const int side = rows[0] <= rows[1] ? 0 : 1;
        column[side]->addWidget(box);
        rows[side] += qobject_cast<QFormLayout*>(box->layout())->rowCount() + 2;
    }
    for (QVBoxLayout* side : column) {
        side->addStretch(1);
        columns->addLayout(side, 1);
    }
    setDocument(json::object());
}

void ExperimentForm::buildEditor(const QString& key, const json& defaultValue,
                                 const QString& meaning, const QStringList& choices,
                                 QWidget* parent, QFormLayout* form) {
    QWidget* editor = nullptr;
    if (defaultValue.is_boolean()) {
        auto* box = new QCheckBox(parent);
        connect(box, &QCheckBox::toggled, this, [this, key](bool on) { onEdited(key, on); });
        editor = box;
    } else if (!choices.isEmpty()) {
        auto* box = new QComboBox(parent);
        box->addItems(choices);
        connect(box, &QComboBox::currentTextChanged, this,
                [this, key](const QString& text) { onEdited(key, text.toStdString()); });
        editor = box;
    } else if (defaultValue.is_number_integer() && key != QLatin1String("seed")) {
        auto* box = new QSpinBox(parent);
        box->setRange(INT_MIN + 1, INT_MAX); // the engine's validation reports the range
        box->setAccelerated(true);
        connect(box, qOverload<int>(&QSpinBox::valueChanged), this,
                [this, key](int value) { onEdited(key, value); });
        editor = box;
    } else {
        auto* line = new QLineEdit(parent);
        const bool numeric = defaultValue.is_number();
        connect(line, &QLineEdit::textEdited, this, [this, key, numeric](const QString& text) {
            if (!numeric) {
                onEdited(key, text.toStdString());
                return;
            }
            try { // a number when it parses as one; otherwise the engine names the key
                const json parsed = json::parse(text.trimmed().toStdString());
                onEdited(key, parsed.is_number() ? parsed : json(text.toStdString()));
            } catch (const json::exception&) {
                onEdited(key, text.toStdString());
            }
        });
        editor = line;
    }
    editor->setObjectName(key);
    QString tip = meaning.isEmpty() ? key : QStringLiteral("<b>%1</b><br>%2").arg(key, meaning);
    tip += tr("<br>default: %1").arg(QString::fromStdString(defaultValue.dump()));
    editor->setToolTip(tip);
    auto* cell = new QWidget(parent);
    auto* cellLayout = new QVBoxLayout(cell);
    cellLayout->setContentsMargins(0, 0, 0, 0);
    cellLayout->setSpacing(1);
    cellLayout->addWidget(editor);
    auto* error = new QLabel(cell);
    error->setWordWrap(true);
    error->setStyleSheet(QStringLiteral("color: #d03b3b;"));
    error->hide();
    cellLayout->addWidget(error);
    auto* label = new QLabel(labelOf(key), parent);
    label->setToolTip(tip);
    form->addRow(label, cell);
    m_editors.insert(key, editor);
    m_errorLabels.insert(key, error);
    m_defaults.insert(key, defaultValue);
}

void ExperimentForm::setDocument(const json& config) {
    m_document = mergedOverDefaults(config);
    m_loading = true;
    for (const QString& key : m_editors.keys())
        showValue(key);
    m_loading = false;
    validate();
}

void ExperimentForm::setValue(const QString& key, const json& value) {
    *jsonAtPath(m_document, key, true) = value;
    m_loading = true;
    showValue(key);
    m_loading = false;
    validate();
}

void ExperimentForm::showValue(const QString& key) {
    QWidget* editor = m_editors.value(key);
    const json* value = jsonAtPath(m_document, key, false);
    if (!editor)
        return;
    if (!value) // a task entry without this key: the engine applies the default
        value = &m_defaults[key];
    if (auto* box = qobject_cast<QCheckBox*>(editor))
        box->setChecked(value->is_boolean() && value->get<bool>());
    else if (auto* combo = qobject_cast<QComboBox*>(editor))
        combo->setCurrentText(value->is_string() ? QString::fromStdString(value->get<std::string>())
                                                 : QString());
    else if (auto* spin = qobject_cast<QSpinBox*>(editor))
        spin->setValue(value->is_number() ? value->get<int>() : 0);
    else if (auto* line = qobject_cast<QLineEdit*>(editor))
        line->setText(value->is_string() ? QString::fromStdString(value->get<std::string>())
                                         : QString::fromStdString(value->dump()));
}

void ExperimentForm::onEdited(const QString& key, const json& value) {
    if (m_loading)
        return;
    *jsonAtPath(m_document, key, true) = value;
    validate();
}

void ExperimentForm::validate() {
    m_error.clear();
    m_errorKey.clear();
    try {
        experimentConfigFromJson(m_document);
    } catch (const std::exception& failure) {
        m_error = QString::fromStdString(failure.what());
        // "config key 'optimizer.learning_rate': ..." or "config key model.heads: ..."
        static const QRegularExpression keyPattern(
            QStringLiteral("config key '?([A-Za-z0-9_.\\[\\]]+?)'?:"));
        const auto match = keyPattern.match(m_error);
        if (match.hasMatch())
            m_errorKey = match.captured(1).replace(QStringLiteral("[]"), QStringLiteral(".0"));
        if (m_errorKey.startsWith(QLatin1String("tasks")) && !m_editors.contains(m_errorKey))
            m_errorKey = QStringLiteral("tasks.0.") + m_errorKey.section(QLatin1Char('.'), -1);
    }
    for (auto it = m_errorLabels.begin(); it != m_errorLabels.end(); ++it) {
        const bool here = it.key() == m_errorKey;
        it.value()->setVisible(here);
        it.value()->setText(here ? m_error : QString());
    }
    Q_EMIT validated(m_error.isEmpty(), m_error);
}

} // namespace relay
