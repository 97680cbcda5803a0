using Ffr.MLNet.Subgroups;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ffr.MLNet.Training;

/// <summary>The trainer's input columns checked on a schema shape (GetOutputSchema), with ML.NET's wording.</summary>
internal static class TrainingInputShape
{
    /// <summary>
    /// Checks label (key), attribute, image (path or a Single vector) and, in the one-view form, Split (text);
    /// true when the images are paths.
    /// </summary>
    public static bool Check(SchemaShape inputSchema, FfrTrainerOptions options, bool oneView)
    {
        if (!SubgroupColumns.TryFind(inputSchema, options.LabelColumnName, out SchemaShape.Column label))
        {
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Could not find label column '{options.LabelColumnName}'");
        }

        if (!label.IsKey || label.Kind != SchemaShape.Column.VectorKind.Scalar)
        {
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Schema mismatch for label column '{options.LabelColumnName}': expected Key, got {label.ItemType}");
        }

        SubgroupColumns.Check(inputSchema, "attribute", options.AttributeColumnName);
        if (oneView)
        {
            if (!SubgroupColumns.TryFind(inputSchema, options.SplitColumnName, out SchemaShape.Column split))
            {
                throw new ArgumentOutOfRangeException(nameof(inputSchema), TrainingInputs.NoSplitMessage(options.SplitColumnName, $"has no column '{options.SplitColumnName}'"));
            }

            if (split.Kind != SchemaShape.Column.VectorKind.Scalar || split.ItemType is not TextDataViewType)
            {
                throw new ArgumentOutOfRangeException(nameof(inputSchema), TrainingInputs.NoSplitMessage(options.SplitColumnName, $"has a column '{options.SplitColumnName}' of type {split.ItemType}, not Text"));
            }
        }

        if (!SubgroupColumns.TryFind(inputSchema, options.ImageColumnName, out SchemaShape.Column image))
        {
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Could not find image column '{options.ImageColumnName}'");
        }

        bool isPath = image.Kind == SchemaShape.Column.VectorKind.Scalar && image.ItemType is TextDataViewType;
        bool isPixels = image.Kind == SchemaShape.Column.VectorKind.Vector && image.ItemType == NumberDataViewType.Single;
        if (!isPath && !isPixels)
        {
            throw new ArgumentOutOfRangeException(nameof(inputSchema),
                $"Schema mismatch for image column '{options.ImageColumnName}': expected Text (an image path) or a Single vector of planar RGB values, got {image.ItemType}");
        }

        return isPath;
    }
}
