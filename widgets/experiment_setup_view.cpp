#include "experiment_setup_view.h"

#include "closed_set_text.h"
#include "config/experiment_config.h"
#include "config_diff.h"
#include "experiment_form.h"
#include "store/run_kind.h"

#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMap>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QVBoxLayout>

namespace relay {

using nlohmann::json;

ExperimentSetupView::ExperimentSetupView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    m_presets = new QComboBox(this);
    m_presets->setObjectName(QStringLiteral("presetCombo"));
    try {
        for (const std::string& name : presetNames())
            m_presets->addItem(QString::fromStdString(name));
    } catch (const std::exception&) {
        // No presets found: the banner says so when one is asked for.
    }
    auto* load = new QPushButton(tr("Load preset"), this);
    auto* open = new QPushButton(tr("Open config…"), this);
    auto* save = new QPushButton(tr("Save config as…"), this);
    auto* defaults = new QPushButton(tr("Defaults"), this);
    top->addWidget(new QLabel(tr("Preset:"), this));
    top->addWidget(m_presets);
    top->addWidget(load);
    top->addSpacing(12);
    top->addWidget(open);
    top->addWidget(save);
    top->addWidget(defaults);
    top->addStretch(1);
    layout->addLayout(top);

    m_banner = new QLabel(this);
    m_banner->setObjectName(QStringLiteral("validationBanner"));
    m_banner->setWordWrap(true);
    layout->addWidget(m_banner);

    m_tabs = new QTabWidget(this);
    m_form = new ExperimentForm(m_tabs);
    m_tabs->addTab(m_form, tr("Form"));
    auto* jsonPage = new QWidget(m_tabs);
    auto* jsonLayout = new QVBoxLayout(jsonPage);
    m_json = new QPlainTextEdit(jsonPage);
    m_json->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_jsonError = new QLabel(jsonPage);
    m_jsonError->setStyleSheet(QStringLiteral("color: #d03b3b;"));
    auto* apply = new QPushButton(tr("Apply JSON to the form"), jsonPage);
    jsonLayout->addWidget(new QLabel(tr("The full resolved config; edit lists such as several "
                                        "tasks here."),
                                     jsonPage));
    jsonLayout->addWidget(m_json, 1);
    jsonLayout->addWidget(m_jsonError);
    jsonLayout->addWidget(apply, 0, Qt::AlignRight);
    m_tabs->addTab(jsonPage, tr("JSON"));
    layout->addWidget(m_tabs, 1);

    auto* buttons = new QHBoxLayout;
    const QList<QPair<QString, QString>> kinds = {
        {screenText(RunKind::Looped), tr("Train Stage I (looped, RELAY)")},
        {screenText(RunKind::LoopedVanilla), tr("Train vanilla looped")},
        {screenText(RunKind::Ar), tr("Train AR-CoT baseline")},
        {QStringLiteral("pipeline"), tr("Run the whole pipeline")}};
    buttons->addStretch(1);
    for (const auto& [kind, text] : kinds) {
        auto* button = new QPushButton(text, this);
        button->setObjectName(QStringLiteral("launch-") + kind);
        m_launch.insert(kind, button);
        buttons->addWidget(button);
        connect(button, &QPushButton::clicked, this, [this, kind = kind] {
            if (kind == QLatin1String("pipeline"))
                Q_EMIT pipelineRequested(presetName(), overridesFromPreset());
            else
                Q_EMIT trainRequested(kind, QString::fromStdString(launchConfig().dump(2)));
        });
    }
    m_launch.value(QStringLiteral("pipeline"))
        ->setToolTip(tr("Stage I, vanilla looped, AR baseline, Stage II chains, AR fine-tune "
                        "and evaluation, from the loaded preset plus the form's changes"));
    layout->addLayout(buttons);

    connect(m_form, &ExperimentForm::validated, this, &ExperimentSetupView::onValidated);
    connect(load, &QPushButton::clicked, this, [this] { loadPreset(m_presets->currentText()); });
    connect(defaults, &QPushButton::clicked, this, [this] {
        m_preset.clear();
        m_form->setDocument(json::object());
    });
    connect(open, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open experiment config"), {},
                                                          tr("JSON config (*.json)"));
        QString error;
        if (!path.isEmpty() && !openConfig(path, &error))
            QMessageBox::warning(this, tr("Config not loaded"), error);
    });
    connect(save, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save experiment config"),
                                                          QStringLiteral("experiment.json"),
                                                          tr("JSON config (*.json)"));
        QString error;
        if (!path.isEmpty() && !saveConfig(path, &error))
            QMessageBox::warning(this, tr("Config not saved"), error);
    });
    connect(apply, &QPushButton::clicked, this, [this] {
        try {
            m_form->setDocument(json::parse(m_json->toPlainText().toStdString()));
            m_jsonError->clear();
            m_tabs->setCurrentIndex(0);
        } catch (const json::exception& error) {
            m_jsonError->setText(tr("Not valid JSON: %1").arg(QString::fromUtf8(error.what())));
        }
    });
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        if (index == 1)
            syncJsonFromForm();
    });
    if (m_presets->findText(QStringLiteral("cpu-quick-ari")) >= 0) {
        m_presets->setCurrentText(QStringLiteral("cpu-quick-ari"));
        loadPreset(QStringLiteral("cpu-quick-ari"));
    } else {
        onValidated(m_form->isValid(), m_form->error());
    }
}

void ExperimentSetupView::loadPreset(const QString& name) {
    try {
        const json preset = relay::loadPreset(name.toStdString());
        m_preset = name;
        m_form->setDocument(preset);
    } catch (const std::exception& error) {
        m_banner->setText(
            tr("Preset %1 could not be loaded: %2").arg(name, QString::fromUtf8(error.what())));
    }
}

QString ExperimentSetupView::presetName() const {
    return m_preset;
}

json ExperimentSetupView::launchConfig() const {
    return differenceFromDefaults(m_form->document());
}

QStringList ExperimentSetupView::overridesFromPreset() const {
    json base = json::object();
    if (!m_preset.isEmpty()) {
        try {
            base = relay::loadPreset(m_preset.toStdString());
        } catch (const std::exception&) {
        }
    }
    const auto before = flattenJson(mergedOverDefaults(base));
    const auto after = flattenJson(m_form->document());
    QStringList overrides;
    bool tasksChanged = false;
    for (const auto& [key, value] : after) {
        auto found = before.find(key);
        if (found != before.end() && found->second == value)
            continue;
        if (key.rfind("tasks.", 0) == 0) {
            tasksChanged = true;
            continue;
        }
        overrides.append(QString::fromStdString(key + "=" + value));
    }
    if (tasksChanged)
        overrides.append(QStringLiteral("tasks=") +
                         QString::fromStdString(m_form->document().at("tasks").dump()));
    return overrides;
}

bool ExperimentSetupView::saveConfig(const QString& path, QString* error) const {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        if (error)
            *error = tr("Could not write %1: %2").arg(path, file.errorString());
        return false;
    }
    file.write(QByteArray::fromStdString(m_form->document().dump(2) + "\n"));
    return true;
}

bool ExperimentSetupView::openConfig(const QString& path, QString* error) {
    try {
        m_form->setDocument(loadConfigJson(path.toStdString()));
        m_preset.clear();
        return true;
    } catch (const std::exception& failure) {
        if (error)
            *error = QString::fromUtf8(failure.what());
        return false;
    }
}

QPushButton* ExperimentSetupView::launchButton(const QString& kind) const {
    return m_launch.value(kind);
}

void ExperimentSetupView::syncJsonFromForm() {
    m_json->setPlainText(QString::fromStdString(m_form->document().dump(2)));
    m_jsonError->clear();
}

void ExperimentSetupView::onValidated(bool valid, const QString& message) {
    for (QPushButton* button : std::as_const(m_launch))
        button->setEnabled(valid);
    if (valid) {
        const json& config = m_form->document();
        const auto steps = experimentConfigFromJson(config).totalSteps();
        m_banner->setStyleSheet(QStringLiteral("color: #2e9e4f;"));
        m_banner->setText(
            tr("✔ Valid config%1: %2 optimizer steps, %3 training problems, "
               "lengths %4–%5 trained, %6–%7 tested.")
                .arg(m_preset.isEmpty() ? QString() : tr(" (from preset %1)").arg(m_preset))
                .arg(steps)
                .arg(config["data"]["train_samples"].get<long long>())
                .arg(config["train_lengths"]["min"].get<int>())
                .arg(config["train_lengths"]["max"].get<int>())
                .arg(config["test_lengths"]["min"].get<int>())
                .arg(config["test_lengths"]["max"].get<int>()));
    } else {
        m_banner->setStyleSheet(QStringLiteral("color: #d03b3b;"));
        m_banner->setText(
            tr("✘ %1 — fix the field marked in red below to enable the launch buttons.")
                .arg(message));
    }
}

} // namespace relay
