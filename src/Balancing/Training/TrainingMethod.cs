// Beside SyntheticStrategy in the lowest layer, so that Ffr.MLNet.Naming.Spelling spells both; the namespace stays the trainer's.
namespace Ffr.MLNet.Training;

/// <summary>How a network is trained on (possibly group-imbalanced) data; see docs/method.md in the repository.</summary>
public enum TrainingMethod
{
    /// <summary>Empirical risk minimisation: plain cross-entropy over shuffled batches.</summary>
    Erm,

    /// <summary>Rows drawn with replacement, weight 1 / (share of the row's group): every group drawn equally often.</summary>
    Resample,

    /// <summary>Group DRO (Sagawa et al.): adversarial group weights q_g &lt;- q_g exp(eta loss_g), loss = sum q_g loss_g.</summary>
    GroupDro,

    /// <summary>
    /// Deep feature reweighting (Kirichenko et al.): train with ERM, then freeze the network and retrain
    /// the last layer (L1 logistic regression on standardised penultimate features) on group-balanced
    /// subsets of the validation set, averaging the weights, the strength chosen by worst-group accuracy.
    /// </summary>
    Dfr,
}
