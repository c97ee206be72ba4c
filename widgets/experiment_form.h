// A form over the whole experiment config, built from the engine's own key table
// (config_keys.h), so every key the engine knows has an editor with its meaning as tooltip and
// every closed set its choices. Every edit is validated by the engine's experimentConfigFromJson
// and the message appears under the field it names: the GUI and `relay train` always agree.
#pragma once

#include <nlohmann/json.hpp>

#include <QMap>
#include <QWidget>

class QFormLayout;
class QLabel;

namespace relay {

class ExperimentForm : public QWidget {
    Q_OBJECT
public:
    explicit ExperimentForm(QWidget* parent = nullptr);

    // A partial config (a preset, a file) merged over the defaults.
    void setDocument(const nlohmann::json& config);
    const nlohmann::json& document() const { return m_document; }
    // Sets one leaf by dotted path ("model.heads", "tasks.0.modulus") and updates its editor.
    void setValue(const QString& key, const nlohmann::json& value);
    QStringList keys() const { return m_editors.keys(); }
    QWidget* editor(const QString& key) const { return m_editors.value(key); }

    bool isValid() const { return m_error.isEmpty(); }
    const QString& error() const { return m_error; }
    const QString& errorKey() const { return m_errorKey; }

Q_SIGNALS:
    void validated(bool valid, const QString& message);

private:
    void buildEditor(const QString& key, const nlohmann::json& defaultValue, const QString& meaning,
                     const QStringList& choices, QWidget* parent, QFormLayout* form);
    void showValue(const QString& key);
    void onEdited(const QString& key, const nlohmann::json& value);
    void validate();

    nlohmann::json m_document;
    QMap<QString, QWidget*> m_editors;
    QMap<QString, QLabel*> m_errorLabels;
    QMap<QString, nlohmann::json> m_defaults;
    QString m_error;
    QString m_errorKey;
    bool m_loading = false;
};

// Dotted-path access into a JSON document; array parts are indices ("tasks.0.task").
nlohmann::json* jsonAtPath(nlohmann::json& document, const QString& key, bool create);
// A partial config merged over the engine's defaults (lists replace, as the engine does).
nlohmann::json mergedOverDefaults(const nlohmann::json& config);
// Only the leaves that differ from the defaults (the tasks list whole): what a config file
// needs, and what stays valid across engine versions that add keys.
nlohmann::json differenceFromDefaults(const nlohmann::json& config);

} // namespace relay
