namespace Ffr.MLNet.Importing;

/// <summary>
/// Which of CelebA's 40 binary attributes is the class label and which the spurious attribute, and how
/// their values are named. The layout: <c>list_attr_celeba.txt</c> (the image count, the 40 attribute
/// names, then one line per image with 1 or -1 per attribute), <c>list_eval_partition.txt</c> (image and
/// 0 train, 1 val, 2 test) and the images in <see cref="ImageFolder"/>.
/// </summary>
public sealed class CelebAImportOptions
{
    /// <summary>The attribute that becomes the class label.</summary>
    /// <value>The default value is Blond_Hair, the target of the group-robustness benchmarks.</value>
    public string TargetAttribute { get; set; } = ImportDefaults.CelebATarget;

    /// <summary>The attribute that becomes the spurious attribute.</summary>
    /// <value>The default value is Male.</value>
    public string SpuriousAttribute { get; set; } = ImportDefaults.CelebASpurious;

    /// <summary>The labels of the target's -1 and 1, in that order; null for <c>not_</c> and the attribute's name, then its name.</summary>
    /// <value>The default value is null: not_Blond_Hair and Blond_Hair for the default target.</value>
    public IReadOnlyList<string>? TargetNames { get; set; }

    /// <summary>The attribute values of the spurious attribute's -1 and 1, in that order; null for <c>not_</c> and its name, then its name.</summary>
    /// <value>The default value is null: not_Male and Male for the default spurious attribute.</value>
    public IReadOnlyList<string>? SpuriousNames { get; set; }

    /// <summary>The folder of the images, relative to the dataset folder.</summary>
    /// <value>The default value is img_align_celeba, the aligned and cropped images.</value>
    public string ImageFolder { get; set; } = ImportDefaults.CelebAImageFolder;
}
