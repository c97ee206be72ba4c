// Reads from the run store off the GUI thread and hands the result back to a widget: the query
// runs on StoreAccess's worker connection, the answer arrives on the GUI thread, and is dropped
// when the receiving widget was destroyed meanwhile.
#pragma once

#include "store_access.h"

#include <QPointer>

#include <functional>
#include <memory>

namespace relay {

template <typename Result>
void queryStore(StoreAccess* store, QObject* receiver, std::function<Result(RunStore&)> query,
                std::function<void(const Result&, const QString& error)> done) {
    auto result = std::make_shared<Result>();
    QPointer<QObject> guard(receiver);
    store->edit([result, query = std::move(query)](RunStore& runs) { *result = query(runs); },
                [result, guard, done = std::move(done)](const QString& error) {
                    if (guard)
                        done(*result, error);
                });
}

} // namespace relay
