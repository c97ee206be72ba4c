// Connects the chain inspector to the store: a run's Stage II chains and its config are read,
// and every chain is reviewed against its true chain (the task's solver), off the GUI thread.
#pragma once

namespace relay {

class ChainInspector;
class StoreAccess;

void wireChainInspector(ChainInspector* inspector, StoreAccess* store);

} // namespace relay
