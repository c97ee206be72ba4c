// Experiment setup: the config form (or its JSON), presets to load, config files to open and
// save, and the launch buttons (Stage I looped, vanilla looped, AR baseline, whole pipeline).
// Launching is the owner's business: this view only says what to launch.
#pragma once

#include <nlohmann/json.hpp>

#include <QWidget>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;

namespace relay {

class ExperimentForm;

class ExperimentSetupView : public QWidget {
    Q_OBJECT
public:
    explicit ExperimentSetupView(QWidget* parent = nullptr);

    ExperimentForm* form() const { return m_form; }
    void loadPreset(const QString& name); // reports a missing preset in the banner
    QString presetName() const;           // the preset the form started from ("" if none)
    // The config the buttons launch: only what differs from the defaults.
    nlohmann::json launchConfig() const;
    // `--set key=value` overrides turning the loaded preset into the form's config (for
    // `relay pipeline`, which takes a preset and overrides).
    QStringList overridesFromPreset() const;
    bool saveConfig(const QString& path, QString* error = nullptr) const;
    bool openConfig(const QString& path, QString* error = nullptr);

    QPushButton* launchButton(const QString& kind) const; // looped, looped-vanilla, ar, pipeline

Q_SIGNALS:
    void trainRequested(const QString& kind, const QString& configJson);
    void pipelineRequested(const QString& preset, const QStringList& overrides);

private:
    void onValidated(bool valid, const QString& message);
    void syncJsonFromForm();

    ExperimentForm* m_form;
    QComboBox* m_presets;
    QLabel* m_banner;
    QTabWidget* m_tabs;
    QPlainTextEdit* m_json;
    QLabel* m_jsonError;
    QString m_preset;
    QMap<QString, QPushButton*> m_launch;
};

} // namespace relay
