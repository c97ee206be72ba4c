// The AR fine-tuning launcher (docs/architecture.md, view 5): the looped generator run and the AR
// baseline, the Stage II lengths and samples (the generator's config: the paper's proportions), the
// chain set to train on (all / label-free / verified) and the fine-tune's hyperparameters; Launch
// asks for Stage II generation and then the fine-tune as engine jobs, and the two stages report
// their progress here.
#pragma once

// The chain sets `relay finetune --chains` takes: the engine's closed set (a torch-free header).
#include "train/chain_generation.h"

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace relay {

struct RunRow;

struct FineTuneRequest {
    qint64 generator = -1;
    qint64 baseline = -1;
    ChainSelection chains = ChainSelection::All; // relay finetune --chains
    int steps = 0;
    double learningRate = 0;
    int batchSize = 0;
    QString name;
    int lengthsMax = 0;       // Stage II writes chains for K_train+1 .. this
    int generatedSamples = 0; // split over those lengths in the paper's Table 3 proportions
    // `--set key=value` for the fine-tune's config.
    QStringList overrides() const;
    // `--set stage2.key=value` for `relay generate`.
    QStringList generateOverrides() const;
    // The arguments of `relay finetune` for this request (the chains already generated).
    QStringList fineTuneArguments() const;
};

class FineTuneLauncher : public QWidget {
    Q_OBJECT
public:
    enum class Stage { Generate, FineTune };
    enum class StageState { Waiting, Running, Finished, Failed };

    explicit FineTuneLauncher(QWidget* parent = nullptr);

    void setRuns(const QVector<RunRow>& rows);
    void selectGenerator(qint64 run);
    void selectBaseline(qint64 run);
    void setChainSelection(ChainSelection chains);
    void setSteps(int steps);
    FineTuneRequest request() const;
    void launch(); // as if Launch was clicked

    void setStage(Stage stage, StageState state, const QString& detail = {});
    void setFineTuneProgress(qint64 step, qint64 total);
    void setFinished(qint64 fineTunedRun, bool success, const QString& message);
    bool running() const { return m_running; }
    StageState stageState(Stage stage) const;

    QPushButton* launchButton() const { return m_launch; }

Q_SIGNALS:
    void launchRequested(const relay::FineTuneRequest& request);
    void cancelRequested();
    void compareRequested(const QList<qint64>& runs);

private:
    void updateGeneratorDefaults();
    void updateButtons();

    QComboBox* m_generator;
    QComboBox* m_baseline;
    QSpinBox* m_lengths;
    QSpinBox* m_samples;
    QComboBox* m_chains;
    QSpinBox* m_steps;
    QDoubleSpinBox* m_learningRate;
    QSpinBox* m_batchSize;
    QLineEdit* m_name;
    QPushButton* m_launch;
    QPushButton* m_cancel;
    QPushButton* m_compare;
    QLabel* m_generateState;
    QProgressBar* m_generateProgress;
    QLabel* m_fineTuneState;
    QProgressBar* m_fineTuneProgress;
    QLabel* m_message;
    QList<QPair<qint64, QString>> m_configs; // run -> config JSON
    StageState m_states[2] = {StageState::Waiting, StageState::Waiting};
    qint64 m_fineTuned = -1;
    qint64 m_launchedBaseline = -1;
    bool m_running = false;
};

} // namespace relay

Q_DECLARE_METATYPE(relay::FineTuneRequest)
