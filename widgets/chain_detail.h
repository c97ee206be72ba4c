// One Stage II chain as HTML for the chain inspector: each generated step above the true step,
// the first wrong step marked and the wrong tokens in red, and the label-free filter's verdict.
#pragma once

#include "chain_review.h"

#include <QString>

namespace relay {

QString chainDetailHtml(const ChainReview& review);

// ChainRecord::labelFreeKept in a word: "kept", "left out" or "not checked".
QString labelFreeVerdictText(int labelFreeKept);
// Why the label-free filter kept or left out a chain (or why it has no verdict), in words.
QString labelFreeReason(int labelFreeKept);

} // namespace relay
