// Connects the loop-iteration viewer to its sources: run details and probe snapshots from the
// store (off the GUI thread), problems and inspections from the in-process inference worker.
#pragma once

namespace relay {

class InspectionWorker;
class IterationViewer;
class StoreAccess;

void wireIterationViewer(IterationViewer* viewer, InspectionWorker* worker, StoreAccess* store);

} // namespace relay
