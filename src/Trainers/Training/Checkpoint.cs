using System.Text;
using Ffr.MLNet.Networks;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ffr.MLNet.Training;

/// <summary>Where a phase stands, as saved after each epoch.</summary>
internal sealed class PhaseState
{
    public int Phase { get; set; }

    public int EpochsDone { get; set; }

    public double BestMetric { get; set; } = double.NegativeInfinity;

    public int BestEpoch { get; set; }

    public int SinceBest { get; set; }

    public double[] GroupWeights { get; set; } = Array.Empty<double>();

    public TrainingSummary Summary { get; set; } = new();
}

/// <summary>
/// A checkpoint file (<c>ffr-checkpoint.bin</c>): the options' fingerprint, the phase state, the
/// network, the optimizer's state and the best epoch's weights. Written to a temporary file then
/// moved, so a crash or a cancellation never leaves a half-written checkpoint.
/// </summary>
internal static class Checkpoint
{
    public const string FileName = "ffr-checkpoint.bin";
    private const string Magic = "FFRCKPT1";

    public static string PathIn(string directory) => Path.Combine(directory, FileName);

    public static void Write(string directory, string fingerprint, PhaseState state, ImageNetwork network, OptimizerHelper optimizer, IReadOnlyDictionary<string, Tensor>? best)
    {
        Directory.CreateDirectory(directory);
        string final = PathIn(directory);
        string temp = final + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(fingerprint);
            writer.Write(state.Phase);
            writer.Write(state.EpochsDone);
            writer.Write(state.BestMetric);
            writer.Write(state.BestEpoch);
            writer.Write(state.SinceBest);
            writer.Write(state.GroupWeights.Length);
            foreach (double q in state.GroupWeights)
            {
                writer.Write(q);
            }

            writer.Write(state.Summary.ToJson());
            WriteTensors(writer, network.Module.state_dict());
            optimizer.save_state_dict(writer);
            writer.Write(best is not null);
            if (best is not null)
            {
                WriteTensors(writer, best);
            }
        }

        File.Move(temp, final, overwrite: true);
    }

    /// <summary>Reads the phase state of a checkpoint made with the same options, or null when there is none.</summary>
    /// <exception cref="InvalidOperationException">The checkpoint was made with other options or data.</exception>
    public static PhaseState? ReadState(string directory, string fingerprint)
    {
        string path = PathIn(directory);
        if (!File.Exists(path))
        {
            return null;
        }

        using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        return ReadHeader(reader, path, fingerprint);
    }

    /// <summary>Loads the network, the optimizer and the best weights of the checkpoint into the objects given.</summary>
    public static Dictionary<string, Tensor>? Restore(string directory, string fingerprint, ImageNetwork network, OptimizerHelper optimizer)
    {
        string path = PathIn(directory);
        using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        ReadHeader(reader, path, fingerprint);
        Dictionary<string, Tensor> weights = ReadTensors(reader);
        network.Restore(weights);
        foreach (Tensor t in weights.Values)
        {
            t.Dispose();
        }

        optimizer.load_state_dict(reader);
        return reader.ReadBoolean() ? ReadTensors(reader) : null;
    }

    private static PhaseState ReadHeader(BinaryReader reader, string path, string fingerprint)
    {
        try
        {
            if (reader.ReadString() != Magic)
            {
                throw new InvalidDataException($"'{path}' is not an Ffr.MLNet checkpoint.");
            }

            string saved = reader.ReadString();
            if (saved != fingerprint)
            {
                throw new InvalidOperationException(
                    $"The checkpoint '{path}' was made with other options or data, so training cannot resume from it. Delete it, or choose another CheckpointDirectory.");
            }

            var state = new PhaseState
            {
                Phase = reader.ReadInt32(),
                EpochsDone = reader.ReadInt32(),
                BestMetric = reader.ReadDouble(),
                BestEpoch = reader.ReadInt32(),
                SinceBest = reader.ReadInt32(),
            };
            state.GroupWeights = new double[reader.ReadInt32()];
            for (int i = 0; i < state.GroupWeights.Length; i++)
            {
                state.GroupWeights[i] = reader.ReadDouble();
            }

            state.Summary = TrainingSummary.FromJson(reader.ReadString());
            return state;
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException($"The checkpoint '{path}' is truncated. Delete it to start over.", ex);
        }
    }

    private static void WriteTensors(BinaryWriter writer, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        var list = tensors.ToList();
        writer.Write(list.Count);
        foreach ((string name, Tensor tensor) in list)
        {
            using Tensor cpu = tensor.detach().cpu().contiguous();
            writer.Write(name);
            writer.Write((int)cpu.dtype);
            writer.Write(cpu.shape.Length);
            foreach (long d in cpu.shape)
            {
                writer.Write(d);
            }

            ReadOnlySpan<byte> bytes = cpu.bytes;
            writer.Write(bytes.Length);
            writer.Write(bytes);
        }
    }

    private static Dictionary<string, Tensor> ReadTensors(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        var result = new Dictionary<string, Tensor>(count);
        for (int i = 0; i < count; i++)
        {
            string name = reader.ReadString();
            var dtype = (ScalarType)reader.ReadInt32();
            long[] shape = new long[reader.ReadInt32()];
            for (int d = 0; d < shape.Length; d++)
            {
                shape[d] = reader.ReadInt64();
            }

            byte[] bytes = reader.ReadBytes(reader.ReadInt32());
            Tensor tensor = empty(shape, dtype).DetachFromDisposeScope();
            tensor.bytes = bytes;
            result[name] = tensor;
        }

        return result;
    }
}
