#include "chain_detail.h"

#include <QStringList>

#include <algorithm>

namespace relay {

namespace {

const char* kRight = "#2ca02c";
const char* kWrong = "#d62728";

QString tokensHtml(const Tokens& tokens, const std::vector<int>& wrong, bool markWrong) {
    QStringList parts;
    for (int i = 0; i < static_cast<int>(tokens.size()); ++i) {
        const QString token =
            QString::fromStdString(tokens[static_cast<std::size_t>(i)]).toHtmlEscaped();
        const bool bad = std::find(wrong.begin(), wrong.end(), i) != wrong.end();
        parts << (markWrong && bad ? QStringLiteral("<b style='color:%1'>[%2]</b>")
                                         .arg(QLatin1String(kWrong), token)
                                   : token);
    }
    return parts.join(QLatin1Char(' '));
}

} // namespace

QString labelFreeVerdictText(int labelFreeKept) {
    return labelFreeKept == 1   ? QStringLiteral("kept")
           : labelFreeKept == 0 ? QStringLiteral("left out")
                                : QStringLiteral("not checked");
}

QString labelFreeReason(int labelFreeKept) {
    if (labelFreeKept == 1)
        return QStringLiteral("the answer head agrees with the answer the steps imply and every "
                              "token is confident enough");
    if (labelFreeKept == 0)
        return QStringLiteral("the answer head disagrees with the answer the steps imply, or a "
                              "token is not confident enough");
    // Stored before the filter existed, or an AR model's own chains (the filter reads the
    // looped generator's answer head).
    return QStringLiteral("the chain was stored before the filter existed, or is an AR "
                          "model's own chain");
}

QString chainDetailHtml(const ChainReview& review) {
    const ChainRecord& chain = review.chain;
    QString html;
    html += QStringLiteral("<p><b>input</b> <tt>%1</tt> &nbsp; (length %2)</p>")
                .arg(QString::fromStdString(chain.input).toHtmlEscaped())
                .arg(chain.length);
    html +=
        QStringLiteral("<p>") +
        (chain.verified
             ? QStringLiteral("<b style='color:%1'>verified</b>: every step and the "
                              "answer are right")
                   .arg(QLatin1String(kRight))
             : QStringLiteral("<b style='color:%1'>wrong</b>: first wrong step %2; the "
                              "answer is %3")
                   .arg(QLatin1String(kWrong))
                   .arg(chain.firstWrongStep)
                   .arg(chain.answerCorrect ? QStringLiteral("right") : QStringLiteral("wrong"))) +
        (chain.tokenAccuracy >= 0 && !chain.verified
             ? QStringLiteral("; %1% of the true chain's tokens are in place")
                   .arg(100 * chain.tokenAccuracy, 0, 'f', 1)
             : QString()) +
        QStringLiteral("</p>");
    html +=
        QStringLiteral("<p><b>label-free filter</b>: %1 — %2</p>")
            .arg(labelFreeVerdictText(chain.labelFreeKept), labelFreeReason(chain.labelFreeKept));
    if (!review.error.empty())
        html += QStringLiteral("<p>The true chain is unknown: %1</p>")
                    .arg(QString::fromStdString(review.error).toHtmlEscaped());
    html += QStringLiteral("<table cellspacing='0' cellpadding='3' border='0'>");
    const int count = static_cast<int>(std::max(review.steps.size(), review.truth.steps.size()));
    for (int t = 1; t <= count; ++t) {
        const auto index = static_cast<std::size_t>(t - 1);
        const Tokens generated = index < review.steps.size() ? review.steps[index] : Tokens{};
        const Tokens truth =
            index < review.truth.steps.size() ? review.truth.steps[index] : Tokens{};
        const std::vector<int> wrong = differingTokens(generated, truth);
        const bool first = t == chain.firstWrongStep;
        // A light band with dark text of its own, so the row reads the same in a dark palette.
        const QString background =
            first ? QStringLiteral(" style='background:#f7d4d4; color:#202020'") : QString();
        const QString mark = first
                                 ? QStringLiteral("<b style='color:%1'>◀ first wrong "
                                                  "step</b>")
                                       .arg(QLatin1String(kWrong))
                                 : (generated == truth ? QStringLiteral("✓") : QStringLiteral("✗"));
        html += QStringLiteral("<tr%1><td rowspan='2'><b>t = %2</b></td><td>generated</td>"
                               "<td align='right'><tt>%3</tt></td><td rowspan='2'>%4</td></tr>")
                    .arg(background)
                    .arg(t)
                    .arg(generated.empty() ? QStringLiteral("<i>(none)</i>")
                                           : tokensHtml(generated, wrong, true))
                    .arg(mark);
        html += QStringLiteral("<tr%1><td style='color:gray'>true</td><td align='right'><tt "
                               "style='color:gray'>%2</tt></td></tr>")
                    .arg(background)
                    .arg(truth.empty() ? QStringLiteral("<i>(none)</i>")
                                       : tokensHtml(truth, {}, false));
    }
    html += QStringLiteral("</table>");
    const bool answerRight = chain.answer == review.truth.answer;
    html += QStringLiteral("<p><b>answer</b> <b style='color:%1'>%2</b> · true <b>%3</b></p>")
                .arg(QLatin1String(answerRight ? kRight : kWrong),
                     QString::fromStdString(chain.answer).toHtmlEscaped(),
                     QString::fromStdString(review.truth.answer).toHtmlEscaped());
    return html;
}

} // namespace relay
