// The fine-tuning launcher's request as `relay finetune` arguments: the chain set the user picks
// goes out as --chains with the engine's name for it, beside the runs, name and overrides.
#include "finetune_launcher.h"
#include "store_access.h"

#include <gtest/gtest.h>

#include <QComboBox>

using namespace relay;

TEST(FineTuneRequest, TurnsIntoTheFineTuneArguments) {
    FineTuneRequest request;
    request.generator = 3;
    request.baseline = 7;
    request.chains = ChainSelection::LabelFree;
    request.steps = 40;
    request.name = QStringLiteral("mine");
    EXPECT_EQ(request.fineTuneArguments(),
              (QStringList{"finetune", "--generator", "3", "--baseline", "7", "--chains",
                           "label-free", "--name", "mine", "--set", "training.steps=40"}));
    request.chains = ChainSelection::Verified;
    request.name.clear();
    request.steps = 0;
    EXPECT_EQ(
        request.fineTuneArguments(),
        (QStringList{"finetune", "--generator", "3", "--baseline", "7", "--chains", "verified"}));
}

TEST(FineTuneLauncher, OffersTheThreeChainSetsAndPassesTheChosenOne) {
    FineTuneLauncher launcher;
    RunRow looped;
    looped.run.id = 1;
    looped.run.kind = RunKind::Looped;
    RunRow ar;
    ar.run.id = 2;
    ar.run.kind = RunKind::Ar;
    launcher.setRuns({looped, ar});
    auto* chains = launcher.findChild<QComboBox*>(QStringLiteral("fineTuneChains"));
    ASSERT_NE(chains, nullptr);
    QStringList offered;
    for (int i = 0; i < chains->count(); ++i)
        offered << chains->itemText(i);
    EXPECT_EQ(offered, (QStringList{"all", "label-free", "verified"}));
    // The paper's default (stage2.verified_only off): every chain.
    EXPECT_EQ(launcher.request().chains, ChainSelection::All);
    const std::pair<int, QString> picks[] = {{1, "label-free"}, {2, "verified"}, {0, "all"}};
    for (const auto& [index, name] : picks) {
        chains->setCurrentIndex(index); // as the user picks it
        const QStringList arguments = launcher.request().fineTuneArguments();
        EXPECT_EQ(arguments.value(arguments.indexOf(QStringLiteral("--chains")) + 1), name);
    }
}
