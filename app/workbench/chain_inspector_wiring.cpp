#include "chain_inspector_wiring.h"

#include "chain_inspector.h"
#include "store/run_store.h"
#include "store_query.h"

namespace relay {

namespace {

struct LoadedChains {
    std::vector<ChainReview> reviews;
    std::string configJson;
};

} // namespace

void wireChainInspector(ChainInspector* inspector, StoreAccess* store) {
    QObject::connect(
        inspector, &ChainInspector::chainsRequested, inspector, [inspector, store](qint64 run) {
            // Solving every input for its true chain happens on the store thread too.
            queryStore<LoadedChains>(
                store, inspector,
                [run](RunStore& runs) {
                    LoadedChains loaded;
                    loaded.configJson = runs.run(run).configJson;
                    loaded.reviews = reviewChains(runs.chains(run), loaded.configJson);
                    return loaded;
                },
                [inspector, run](const LoadedChains& loaded, const QString& error) {
                    inspector->setChains(run, loaded.reviews, loaded.configJson, error);
                });
        });
}

} // namespace relay
