// Over 250 lines: one format's reader: PyTorch and TorchSharp weights read, matched to a network, and mismatches explained.
using System.Collections;
using System.Globalization;
using System.Text;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Ffr.MLNet.Networks;

/// <summary>The formats of a weights file.</summary>
internal enum WeightsFormat
{
    /// <summary>TorchSharp's <c>Module.save</c> format.</summary>
    TorchSharp,

    /// <summary>PyTorch's <c>torch.save(model.state_dict(), ...)</c> zip format (.pth, .pt), read by TorchSharp.PyBridge.</summary>
    PyTorch,

    /// <summary>The safetensors format, read by TorchSharp.PyBridge.</summary>
    Safetensors,
}

/// <summary>
/// Loads a weights file (a state dict) into a network, checking every key and shape before any
/// weight changes. The file is read into CPU tensors first (all disposed before returning); the
/// keys are torchvision's (<c>conv1.weight</c>, <c>bn1.running_mean</c>, <c>layer1.0.conv1.weight</c>,
/// <c>fc.weight</c>, ...), which TorchSharp's torchvision ResNets share. Allowed differences: the head
/// (<c>fc.*</c>) of another number of classes (ImageNet's 1000), or none, keeps the network's own
/// freshly initialised head; <c>num_batches_tracked</c> counters may be present or absent. Any other
/// missing key, unexpected key or shape is an <see cref="InvalidDataException"/> naming the file, the
/// architecture and the keys.
/// </summary>
internal static class WeightsFile
{
    /// <summary>What every message about an unusable file ends with.</summary>
    public const string Advice =
        "Pass a state dict for the same architecture: saved by TorchSharp's Module.save, by PyTorch's torch.save(model.state_dict(), 'file.pth'), or as safetensors.";

    private const string HeadPrefix = "fc.";
    private const string BatchCounter = "num_batches_tracked";
    private const int MaxListed = 5;
    private const int MaxDimensions = 8;
    private const long MaxEntries = 1_000_000;

    /// <summary>The format of <paramref name="path"/>: by its first bytes (a zip, a safetensors header), else by its extension, else TorchSharp's.</summary>
    public static WeightsFormat Detect(string path)
    {
        byte[] head = new byte[9];
        long length;
        int read;
        using (FileStream stream = File.OpenRead(path))
        {
            length = stream.Length;
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        if (read >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4)
        {
            return WeightsFormat.PyTorch;
        }

        if (read == 9 && head[8] == (byte)'{' && BitConverter.ToUInt64(head, 0) is ulong header && header > 0 && header <= (ulong)(length - 8))
        {
            return WeightsFormat.Safetensors;
        }

        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".pth" or ".pt" => WeightsFormat.PyTorch,
            ".safetensors" => WeightsFormat.Safetensors,
            _ => WeightsFormat.TorchSharp,
        };
    }

    /// <summary>
    /// Copies the weights in <paramref name="path"/> into <paramref name="module"/> (an <paramref name="architecture"/>
    /// network); <paramref name="shownPath"/> is the path as the user gave it, for messages.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is damaged, or its keys or shapes do not fit the network; nothing was changed.</exception>
    public static void Load(nn.Module module, NetworkArchitecture architecture, string path, string shownPath)
    {
        ArgumentNullException.ThrowIfNull(module);
        Dictionary<string, Tensor> target = module.state_dict();
        using var scope = NewDisposeScope(); // every tensor read from the file
        WeightsFormat format = Detect(path);
        Dictionary<string, Tensor> found;
        try
        {
            found = Read(path, format);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            throw new InvalidDataException(
                $"Initial weights file '{shownPath}' is truncated or damaged, or is not a {Describe(format)} file ({ex.GetType().Name}: {ex.Message}). {Advice}", ex);
        }

        Check(target, found, architecture, shownPath);
        using (no_grad())
        {
            foreach ((string key, Tensor tensor) in target)
            {
                if (found.TryGetValue(key, out Tensor? source) && !SkipsHead(key, target, found))
                {
                    tensor.copy_(source);
                }
            }
        }
    }

    /// <summary>The state dict in <paramref name="path"/> as CPU tensors (in the caller's dispose scope).</summary>
    internal static Dictionary<string, Tensor> Read(string path, WeightsFormat format) => format switch
    {
        WeightsFormat.PyTorch => ReadPyTorch(path),
        WeightsFormat.Safetensors => Safetensors.LoadStateDict(path),
        _ => ReadTorchSharp(path),
    };

    private static Dictionary<string, Tensor> ReadPyTorch(string path)
    {
        using FileStream stream = File.OpenRead(path);

        // torch.save writes a zip since PyTorch 1.6; the legacy format is a bare pickle stream (protocol byte 0x80 first).
        if (stream.ReadByte() == 0x80)
        {
            throw new InvalidDataException(
                "it was saved in PyTorch's legacy (pre-1.6) format; load it in Python and save it again with torch.save(state_dict, 'file.pth'), or as safetensors");
        }

        stream.Position = 0;
        Hashtable table = PyTorchUnpickler.UnpickleStateDict(stream);

        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Key is not string key || entry.Value is not Tensor tensor)
            {
                throw new InvalidDataException(
                    $"it holds '{entry.Key}' of type {entry.Value?.GetType().Name ?? "null"}, not a state dict of tensors (save model.state_dict(), not the model or a training checkpoint)");
            }

            result[key] = tensor;
        }

        return result;
    }

    /// <summary>
    /// TorchSharp's <c>Module.save</c> format: the entry count, then per entry the key (a .NET string)
    /// and the tensor (scalar type, rank, dimensions, all LEB128, then the raw bytes). Every size is
    /// checked against the bytes left before anything is allocated.
    /// </summary>
    private static Dictionary<string, Tensor> ReadTorchSharp(string path)
    {
        using FileStream stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        long entries = reader.Read7BitEncodedInt64();
        if (entries is <= 0 or > MaxEntries)
        {
            throw new InvalidDataException($"it says it holds {entries} tensors");
        }

        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (long i = 0; i < entries; i++)
        {
            string key = reader.ReadString();
            var type = (ScalarType)reader.Read7BitEncodedInt64();
            int size = ElementSize(type) ?? throw new InvalidDataException($"tensor '{key}' has an unknown element type ({(long)type})");
            long rank = reader.Read7BitEncodedInt64();
            if (rank is < 0 or > MaxDimensions)
            {
                throw new InvalidDataException($"tensor '{key}' has {rank} dimensions");
            }

            long[] shape = new long[rank];
            long bytes = size;
            for (int d = 0; d < rank; d++)
            {
                shape[d] = reader.Read7BitEncodedInt64();
                if (shape[d] < 0 || (shape[d] > 0 && bytes > (stream.Length - stream.Position) / shape[d]))
                {
                    throw new EndOfStreamException($"tensor '{key}' of shape {Shape(shape[..(d + 1)])}... needs more bytes than the file has left");
                }

                bytes *= shape[d];
            }

            if (bytes > stream.Length - stream.Position)
            {
                throw new EndOfStreamException($"tensor '{key}' of shape {Shape(shape)} needs {bytes} bytes; the file has {stream.Length - stream.Position} left");
            }

            Tensor tensor = empty(shape, dtype: type);
            tensor.ReadBytesFromStream(stream);
            if (!result.TryAdd(key, tensor))
            {
                throw new InvalidDataException($"it holds key '{key}' twice");
            }
        }

        if (stream.Position != stream.Length)
        {
            throw new InvalidDataException($"{stream.Length - stream.Position} bytes follow the last of its {entries} tensors");
        }

        return result;
    }

    private static int? ElementSize(ScalarType type) => type switch
    {
        ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool => 1,
        ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int64 or ScalarType.Float64 or ScalarType.ComplexFloat32 => 8,
        ScalarType.ComplexFloat64 => 16,
        _ => null,
    };

    /// <summary>True for a head key when the file's head is for another number of classes (same feature size), or absent.</summary>
    private static bool SkipsHead(string key, Dictionary<string, Tensor> target, Dictionary<string, Tensor> found)
    {
        if (!key.StartsWith(HeadPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        bool hasWeight = found.TryGetValue(HeadPrefix + "weight", out Tensor? weight);
        bool hasBias = found.TryGetValue(HeadPrefix + "bias", out Tensor? bias);
        if (!hasWeight && !hasBias)
        {
            return true;
        }

        Tensor ours = target[HeadPrefix + "weight"];
        return weight is not null && bias is not null
            && weight.ndim == 2 && bias.ndim == 1 && weight.shape[0] == bias.shape[0]
            && weight.shape[1] == ours.shape[1] && weight.shape[0] != ours.shape[0];
    }

    private static void Check(Dictionary<string, Tensor> target, Dictionary<string, Tensor> found, NetworkArchitecture architecture, string shownPath)
    {
        static bool Counter(string key) => key.EndsWith("." + BatchCounter, StringComparison.Ordinal) || key == BatchCounter;

        string[] missing = target.Keys
            .Where(k => !found.ContainsKey(k) && !Counter(k) && !SkipsHead(k, target, found))
            .ToArray();
        string[] unexpected = found.Keys
            .Where(k => !target.ContainsKey(k) && !Counter(k))
            .OrderBy(k => k, StringComparer.Ordinal)
            .ToArray();
        string[] reshaped = target.Keys
            .Where(k => found.TryGetValue(k, out Tensor? f) && !f.shape.SequenceEqual(target[k].shape) && !SkipsHead(k, target, found))
            .ToArray();
        if (missing.Length == 0 && unexpected.Length == 0 && reshaped.Length == 0)
        {
            return;
        }

        var problems = new List<string>();
        if (missing.Length > 0)
        {
            problems.Add($"{missing.Length} missing key(s): {List(missing, k => $"{k} {Shape(target[k].shape)}")}");
        }

        if (unexpected.Length > 0)
        {
            problems.Add($"{unexpected.Length} unexpected key(s): {List(unexpected, k => $"{k} {Shape(found[k].shape)}")}");
        }

        if (reshaped.Length > 0)
        {
            problems.Add($"{reshaped.Length} key(s) of another shape: {List(reshaped, k => $"{k} expected {Shape(target[k].shape)}, found {Shape(found[k].shape)}")}");
        }

        string fix = Guess(found.Keys) switch
        {
            (_, NetworkArchitecture other) when other != architecture =>
                $" The file looks like a {other} state dict: set Architecture to {other}, or pass a {architecture} file.",
            (string name, null) => $" The file looks like a {name} state dict, which this trainer does not build; pass a {architecture} file.",
            _ when CommonPrefix(found.Keys) is string prefix => $" Every key in the file starts with '{prefix}' (a wrapped model): save the inner model's state_dict() instead.",
            _ => $" {Advice}",
        };
        throw new InvalidDataException($"Initial weights file '{shownPath}' does not fit a {architecture} network: {string.Join("; ", problems)}.{fix}");
    }

    private static string List(string[] keys, Func<string, string> describe) =>
        string.Join(", ", keys.Take(MaxListed).Select(describe)) + (keys.Length > MaxListed ? $", and {keys.Length - MaxListed} more" : string.Empty);

    internal static string Shape(long[] shape) => "[" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    private static string Describe(WeightsFormat format) => format switch
    {
        WeightsFormat.PyTorch => "PyTorch (torch.save zip)",
        WeightsFormat.Safetensors => "safetensors",
        _ => "TorchSharp (Module.save)",
    };

    /// <summary>The architecture whose torchvision key layout the keys follow (blocks per stage, basic or bottleneck), if any.</summary>
    internal static (string? Name, NetworkArchitecture? Supported) Guess(IEnumerable<string> keys)
    {
        string[] all = keys.ToArray();
        if (all.Any(k => k.StartsWith("layer1.0.", StringComparison.Ordinal)))
        {
            int[] blocks = Enumerable.Range(1, 4).Select(stage => all
                .Where(k => k.StartsWith($"layer{stage}.", StringComparison.Ordinal))
                .Select(k => k.Split('.')[1])
                .Select(b => int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n + 1 : 0)
                .DefaultIfEmpty(0).Max()).ToArray();
            bool bottleneck = all.Contains("layer1.0.conv3.weight");
            return (string.Join(',', blocks), bottleneck) switch
            {
                ("2,2,2,2", false) => ("ResNet18", NetworkArchitecture.ResNet18),
                ("3,4,6,3", false) => ("ResNet34", NetworkArchitecture.ResNet34),
                ("3,4,6,3", true) => ("ResNet50", NetworkArchitecture.ResNet50),
                ("3,4,23,3", true) => ("ResNet-101", null),
                ("3,8,36,3", true) => ("ResNet-152", null),
                _ => (null, null),
            };
        }

        string[] small = { "conv1.weight", "conv2.weight", "conv3.weight", "bn3.weight", "fc.weight" };
        return small.All(all.Contains) && !all.Any(k => k.StartsWith("layer", StringComparison.Ordinal))
            ? ("SmallCnn", NetworkArchitecture.SmallCnn)
            : (null, null);
    }

    private static string? CommonPrefix(IEnumerable<string> keys)
    {
        string[] prefixes = keys.Select(k => k.Contains('.') ? k[..(k.IndexOf('.') + 1)] : string.Empty).Distinct().ToArray();
        return prefixes.Length == 1 && prefixes[0].Length > 0 && Guess(keys.Select(k => k[prefixes[0].Length..])).Supported is not null ? prefixes[0] : null;
    }
}
