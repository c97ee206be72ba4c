// One Stage II chain as HTML for the chain inspector: each generated step above the true step,
// the first wrong step marked and the wrong tokens in red.
#pragma once

#include "chain_review.h"

#include <QString>

namespace relay {

QString chainDetailHtml(const ChainReview& review);

} // namespace relay
