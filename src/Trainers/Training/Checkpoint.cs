using System.Text;
using Ffr.MLNet.IO;
using Ffr.MLNet.Networks;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ffr.MLNet.Training;

/// <summary>
/// A checkpoint file (<c>ffr-checkpoint.bin</c>): the options' fingerprint, the phase state, the
/// network, the optimizer's state and the best epoch's weights. Written through <see cref="AtomicFile"/>,
/// so a crash, a full disk or a cancellation never leaves a half-written checkpoint; a checkpoint that
/// is damaged all the same (copied half, edited) is reported as such, never half-loaded.
/// </summary>
internal static class Checkpoint
{
    public const string FileName = "ffr-checkpoint.bin";
    private const string Magic = "FFRCKPT1";
    private const int MaxTensors = 100_000;

    public static string PathIn(string directory) => Path.Combine(directory, FileName);

    public static void Write(string directory, string fingerprint, PhaseState state, ImageNetwork network, OptimizerHelper optimizer, IReadOnlyDictionary<string, Tensor>? best)
    {
        AtomicFile.Write(PathIn(directory), stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
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
        });
    }

    /// <summary>Reads the phase state of a checkpoint made with the same options, or null when there is none.</summary>
    /// <exception cref="CheckpointException">The file is not a checkpoint, is damaged, or was made with other options or data.</exception>
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
    /// <exception cref="CheckpointException">The file is truncated or damaged.</exception>
    public static Dictionary<string, Tensor>? Restore(string directory, string fingerprint, ImageNetwork network, OptimizerHelper optimizer)
    {
        string path = PathIn(directory);
        using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        ReadHeader(reader, path, fingerprint);
        Dictionary<string, Tensor>? best = null;
        try
        {
            Dictionary<string, Tensor> weights = ReadTensors(reader);
            try
            {
                network.Restore(weights);
            }
            finally
            {
                foreach (Tensor t in weights.Values)
                {
                    t.Dispose();
                }
            }

            optimizer.load_state_dict(reader);
            best = reader.ReadBoolean() ? ReadTensors(reader) : null;
            if (reader.BaseStream.Position != reader.BaseStream.Length)
            {
                throw new InvalidDataException("it has bytes after its end");
            }

            return best;
        }
        catch (Exception ex) when (ex is not CheckpointException and not OutOfMemoryException)
        {
            if (best is not null)
            {
                foreach (Tensor t in best.Values)
                {
                    t.Dispose();
                }
            }

            throw Damaged(path, ex);
        }
    }

    /// <summary>The error for a checkpoint that cannot be read: what went wrong, and how to start over.</summary>
    private static CheckpointException Damaged(string path, Exception inner) =>
        new(path, CheckpointProblem.Damaged, $"The checkpoint '{path}' is truncated or damaged ({inner.Message}), so training cannot resume from it. Delete it to start over, or choose another checkpoint folder.", inner);

    private static PhaseState ReadHeader(BinaryReader reader, string path, string fingerprint)
    {
        try
        {
            if (reader.ReadString() != Magic)
            {
                throw new CheckpointException(path, CheckpointProblem.NotACheckpoint,
                    $"'{path}' is not an Ffr.MLNet checkpoint (it does not start with the checkpoint header). Delete it, or choose another checkpoint folder.");
            }

            string saved = reader.ReadString();
            if (saved != fingerprint)
            {
                throw new CheckpointException(path, CheckpointProblem.OtherOptions,
                    $"The checkpoint '{path}' was made with other options or data, so training cannot resume from it. Delete it, or choose another checkpoint folder.");
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
        catch (Exception ex) when (ex is EndOfStreamException or IOException or FormatException or System.Text.Json.JsonException or ArgumentException)
        {
            throw Damaged(path, ex);
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
        if (count is < 0 or > MaxTensors)
        {
            throw new InvalidDataException($"it declares {count} tensors");
        }

        var result = new Dictionary<string, Tensor>(count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                string name = reader.ReadString();
                var dtype = (ScalarType)reader.ReadInt32();
                int rank = reader.ReadInt32();
                if (!Enum.IsDefined(dtype) || rank is < 0 or > 8)
                {
                    throw new InvalidDataException($"tensor '{name}' has type {(int)dtype} and rank {rank}");
                }

                long[] shape = new long[rank];
                long elements = 1;
                for (int d = 0; d < shape.Length; d++)
                {
                    shape[d] = reader.ReadInt64();
                    elements = shape[d] < 0 ? -1 : elements * shape[d];
                }

                int length = reader.ReadInt32();
                long remaining = reader.BaseStream.Length - reader.BaseStream.Position;
                if (elements < 0 || length < 0 || length > remaining || length != elements * ElementSize(dtype))
                {
                    throw new InvalidDataException($"tensor '{name}' declares {length} bytes for shape [{string.Join(", ", shape)}], {remaining} bytes remain");
                }

                byte[] bytes = reader.ReadBytes(length);
                Tensor tensor = empty(shape, dtype).DetachFromDisposeScope();
                tensor.bytes = bytes;
                result[name] = tensor;
            }

            return result;
        }
        catch
        {
            foreach (Tensor t in result.Values)
            {
                t.Dispose();
            }

            throw;
        }
    }

    private static long ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool => 1,
        ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.ComplexFloat64 => 16,
        _ => 8,
    };
}
