namespace Ffr.MLNet.Experiments.Tests.Experiments;

/// <summary>A results CSV of two settings and the markdown that it gives, shared by the results tests.</summary>
internal static class ResultsSamples
{
    public const string Csv =
        "biasRate,severity,strategy,method,seed,worstGroupAccuracy,balancedAccuracy,accuracy,validationWorstGroupAccuracy,seconds\n" +
        "0.99,3,none,erm,0,0,0.25,0.25,0,9.0\n" +
        "0.99,3,none,erm,1,0.1,0.35,0.35,0.05,9.5\n" +
        "0.99,3,ffr,groupdro,0,0.9,0.97,0.97,0.85,24.0\n" +
        "0.99,3,ffr,groupdro,1,0.8,0.95,0.95,0.8,23.0\n" +
        "0.95,3,usb,erm,0,0.5,0.9,0.9,0.6,30.0\n";

    public const string Markdown =
        "5 cells in 2 settings, 1.6 minutes of training and evaluation in all (the sum of the cells' wall times).\n\n" +
        "### Bias rate 0.95, synthetic signature severity 3\n\n" +
        "1 cells, 0.5 minutes of training and evaluation.\n\n" +
        "| Mean worst-group accuracy | USB |\n" +
        "| --- | ---: |\n" +
        "| ERM | **0.500** |\n\n" +
        "| Strategy-method | Worst-group accuracy | Balanced accuracy | Seeds |\n" +
        "| --- | ---: | ---: | ---: |\n" +
        "| USB-ERM | 0.500 ± 0.000 | 0.900 ± 0.000 | 1 |\n\n" +
        "### Bias rate 0.99, synthetic signature severity 3\n\n" +
        "4 cells, 1.1 minutes of training and evaluation.\n\n" +
        "| Mean worst-group accuracy | None | FFR |\n" +
        "| --- | ---: | ---: |\n" +
        "| ERM | **0.050** | - |\n" +
        "| GroupDRO | - | **0.850** |\n\n" +
        "| Strategy-method | Worst-group accuracy | Balanced accuracy | Seeds |\n" +
        "| --- | ---: | ---: | ---: |\n" +
        "| None-ERM | 0.050 ± 0.071 | 0.300 ± 0.071 | 2 |\n" +
        "| FFR-GroupDRO | 0.850 ± 0.071 | 0.960 ± 0.014 | 2 |\n\n";
}
