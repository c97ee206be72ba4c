// Experiment setup: inline validation by the engine's own rules, presets, and the overrides the
// pipeline button passes.
#include "experiment_form.h"
#include "experiment_setup_view.h"

#include "config/config_keys.h"

#include <gtest/gtest.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>

using namespace relay;

namespace {

// "tasks.0.modulus" -> /tasks/0/modulus
nlohmann::json::json_pointer pointerOf(const QString& key) {
    return nlohmann::json::json_pointer("/" + QString(key).replace('.', '/').toStdString());
}

// Whether an editor shows this JSON value.
bool shows(QWidget* editor, const nlohmann::json& value) {
    if (auto* box = qobject_cast<QCheckBox*>(editor))
        return value.is_boolean() && box->isChecked() == value.get<bool>();
    if (auto* combo = qobject_cast<QComboBox*>(editor))
        return value.is_string() && combo->currentText().toStdString() == value.get<std::string>();
    if (auto* spin = qobject_cast<QSpinBox*>(editor))
        return value.is_number_integer() && spin->value() == value.get<int>();
    if (auto* line = qobject_cast<QLineEdit*>(editor)) {
        if (value.is_number())
            return line->text().toDouble() == value.get<double>();
        return value.is_string() && line->text().toStdString() == value.get<std::string>();
    }
    return false;
}

} // namespace

TEST(SetupView, StartsFromTheCpuQuickPresetAndIsValid) {
    ExperimentSetupView view;
    EXPECT_EQ(view.presetName(), "cpu-quick-ari");
    EXPECT_TRUE(view.form()->isValid()) << view.form()->error().toStdString();
    EXPECT_EQ(view.form()->document()["model"]["hidden_size"], 64);
    EXPECT_TRUE(view.launchButton("looped")->isEnabled());
    // Every key of the engine's key table has an editor whose tooltip says what it means, and a
    // closed set offers exactly its choices (a key added to the table needs no form code).
    ASSERT_GT(configKeys().size(), 60u);
    for (const ConfigKey& entry : configKeys()) {
        QWidget* editor = view.form()->editor(QString::fromStdString(entry.key));
        ASSERT_NE(editor, nullptr) << entry.key;
        EXPECT_FALSE(entry.meaning.empty()) << entry.key;
        EXPECT_TRUE(
            editor->toolTip().contains(QString::fromStdString(entry.meaning).toHtmlEscaped()) ||
            editor->toolTip().contains(QString::fromStdString(entry.meaning)))
            << entry.key;
        if (auto* combo = qobject_cast<QComboBox*>(editor)) {
            QStringList offered;
            for (int index = 0; index < combo->count(); ++index)
                offered.append(combo->itemText(index));
            QStringList expected;
            for (const auto& choice : entry.choices)
                expected.append(QString::fromStdString(choice));
            EXPECT_EQ(offered, expected) << entry.key;
        } else {
            EXPECT_TRUE(entry.choices.empty()) << entry.key << " has choices but no combo box";
        }
    }
    // Keys of every editor kind have an editor showing the preset's value, which for the first
    // five differs from the engine's default: catches an editor left at the default, bound to
    // another key, or a number shown rounded.
    for (const char* key :
         {"optimizer.learning_rate", "training.steps", "model.initialization",
          "training.curriculum", "schedule.warmup_steps", "tasks.0.modulus", "seed"}) {
        ASSERT_NE(view.form()->editor(key), nullptr) << key;
        const nlohmann::json value = view.form()->document().at(pointerOf(key));
        EXPECT_TRUE(shows(view.form()->editor(key), value)) << key << " = " << value.dump();
    }
    // The preset's learning rate (cpu-quick-ari.json), not the default.
    EXPECT_EQ(view.form()->document()["optimizer"]["learning_rate"], 5e-3);
    EXPECT_EQ(view.form()->document()["model"]["initialization"], "torch-default");
    for (const TaskKey& entry : taskKeys())
        EXPECT_NE(
            view.form()->editor(QStringLiteral("tasks.0.") + QString::fromStdString(entry.key)),
            nullptr)
            << entry.key;
}

TEST(SetupView, AnInvalidValueIsReportedUnderItsFieldAndBlocksLaunching) {
    ExperimentSetupView view;
    view.show();
    auto* heads = qobject_cast<QSpinBox*>(view.form()->editor("model.heads"));
    ASSERT_NE(heads, nullptr);
    heads->setValue(3); // 64 is not divisible by 3
    EXPECT_FALSE(view.form()->isValid());
    EXPECT_EQ(view.form()->errorKey(), "model.heads");
    EXPECT_TRUE(view.form()->error().contains("divisible")) << view.form()->error().toStdString();
    EXPECT_FALSE(view.launchButton("looped")->isEnabled());
    EXPECT_FALSE(view.launchButton("pipeline")->isEnabled());
    heads->setValue(4);
    EXPECT_TRUE(view.form()->isValid());
    EXPECT_TRUE(view.launchButton("looped")->isEnabled());

    view.form()->setValue("train_lengths.min", 9); // larger than train_lengths.max
    EXPECT_EQ(view.form()->errorKey(), "train_lengths.min");
}

TEST(SetupView, PipelineOverridesAreTheChangesFromThePreset) {
    ExperimentSetupView view;
    EXPECT_TRUE(view.overridesFromPreset().isEmpty());
    view.form()->setValue("training.steps", 123);
    view.form()->setValue("tasks.0.modulus", 7);
    const QStringList overrides = view.overridesFromPreset();
    EXPECT_TRUE(overrides.contains("training.steps=123"));
    ASSERT_EQ(overrides.filter("tasks=").size(), 1); // lists go whole
    EXPECT_TRUE(overrides.filter("tasks=").first().contains(R"("modulus":7)"));
    EXPECT_EQ(view.launchConfig()["training"]["steps"], 123);
}

TEST(SetupView, SavedConfigsOpenAgain) {
    ExperimentSetupView view;
    view.form()->setValue("seed", 42);
    QTemporaryDir folder; // not a fixed /tmp name: concurrent runs of the suite would share it
    ASSERT_TRUE(folder.isValid());
    const QString path = folder.filePath("setup.json");
    ASSERT_TRUE(view.saveConfig(path));
    ExperimentSetupView other;
    QString error;
    ASSERT_TRUE(other.openConfig(path, &error)) << error.toStdString();
    EXPECT_EQ(other.form()->document()["seed"], 42);
}
