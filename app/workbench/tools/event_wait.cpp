#include "event_wait.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QThread>

namespace relay {

bool waitUntil(const std::function<bool()>& done, int timeoutMilliseconds) {
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > timeoutMilliseconds)
            return false;
        QApplication::processEvents(QEventLoop::AllEvents, 50);
        QThread::msleep(10);
    }
    return true;
}

} // namespace relay
