// Waiting on the event loop without blocking it: the screenshot tool waits for the store and
// the inference worker this way, and so do the widget tests.
#pragma once

#include <functional>

namespace relay {

// Processes events until done() or the timeout; true when done() became true.
bool waitUntil(const std::function<bool()>& done, int timeoutMilliseconds);

} // namespace relay
