// First page of the workbench on an empty store: what the tool does, one click to open the
// shipped demo (real trained models, every view filled at once), one click to run the
// CPU-quick pipeline, or setting up an experiment by hand.
#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace relay {

class WelcomePage : public QWidget {
    Q_OBJECT
public:
    explicit WelcomePage(QWidget* parent = nullptr);
    QPushButton* pipelineButton() const { return m_pipeline; }
    QPushButton* demoButton() const { return m_demo; }
    void setStoreEmpty(bool empty);
    // Whether a demo store is installed; without one the demo button is hidden.
    void setDemoAvailable(bool available);

Q_SIGNALS:
    void demoRequested();       // open a copy of the shipped demo store
    void pipelineRequested();   // relay pipeline --preset cpu-quick-ari
    void quickTrainRequested(); // relay train --preset cpu-quick-ari (Stage I only)
    void setupRequested();

private:
    QPushButton* m_demo;
    QPushButton* m_pipeline;
    QLabel* m_text;
};

} // namespace relay
