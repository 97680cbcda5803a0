using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ffr.MLNet.Generation;

/// <summary>One line of <c>generation-log.jsonl</c>: what became of one image in one run.</summary>
/// <param name="Time">When the outcome was known (UTC).</param>
/// <param name="File">The plan's file, relative to the output folder.</param>
/// <param name="Label">The plan's label.</param>
/// <param name="Attribute">The plan's attribute.</param>
/// <param name="Seed">The plan's seed, the one sent to the server.</param>
/// <param name="Status"><c>made</c> or <c>failed</c>.</param>
/// <param name="Endpoint">The endpoint that made the image (or failed it last); null when no endpoint was left to try it.</param>
/// <param name="Seconds">Seconds of the try that made it (or of the last try).</param>
/// <param name="Tries">Tries it took, on any endpoint.</param>
/// <param name="Server">The generation parameters the server reported (AUTOMATIC1111's info, ComfyUI's prompt id, OpenAI's revised prompt); empty when none.</param>
/// <param name="Error">Why each failed try failed, one message per try; null when none failed.</param>
public sealed record GenerationLogRecord(
    DateTimeOffset Time,
    string File,
    string Label,
    string Attribute,
    int Seed,
    string Status,
    string? Endpoint,
    double Seconds,
    int Tries,
    IReadOnlyDictionary<string, string> Server,
    IReadOnlyList<string>? Error);

/// <summary>
/// The generation log, <c>generation-log.jsonl</c> in the output folder: one JSON record per image
/// outcome, appended run after run.
/// </summary>
/// <remarks>
/// The log is appended to, not rewritten: rewriting it atomically after every image (as every other
/// file is written) would copy the whole log per image. Appending never touches the bytes already
/// there, and each record is written as one whole line with one write and flushed to disk before the
/// next, so a kill can at worst leave the last line cut short. A run that finds the log not ending in
/// a newline first ends that torn line, so its records start on lines of their own; <see cref="Read"/>
/// skips lines that are not whole records. No earlier record can be damaged.
/// </remarks>
public static class GenerationLog
{
    /// <summary>The log's file name in the output folder.</summary>
    public const string FileName = "generation-log.jsonl";

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Reads every whole record of a log; lines cut short by a kill are skipped.</summary>
    /// <exception cref="FileNotFoundException">The log does not exist.</exception>
    public static IReadOnlyList<GenerationLogRecord> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!System.IO.File.Exists(path))
        {
            throw new FileNotFoundException($"Generation log '{path}' was not found; 'ffr generate' writes it into its --out folder.", path);
        }

        var records = new List<GenerationLogRecord>();
        foreach (string line in System.IO.File.ReadLines(path))
        {
            try
            {
                if (line.Length > 0 && JsonSerializer.Deserialize<GenerationLogRecord>(line, Json) is { File: not null } record)
                {
                    records.Add(record);
                }
            }
            catch (JsonException)
            {
                // A line cut short by a kill (see the remarks): not a record.
            }
        }

        return records;
    }

    /// <summary>Appends records, each as one flushed line; thread-safe.</summary>
    internal sealed class Writer : IDisposable
    {
        private readonly FileStream _stream;
        private readonly object _gate = new();

        public Writer(string path)
        {
            _stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
            if (_stream.Length > 0)
            {
                _stream.Seek(-1, SeekOrigin.End);
                bool endsWithNewline = _stream.ReadByte() == '\n';
                _stream.Seek(0, SeekOrigin.End);
                if (!endsWithNewline)
                {
                    _stream.WriteByte((byte)'\n'); // end a line torn by a killed run
                }
            }
        }

        public void Append(GenerationLogRecord record)
        {
            byte[] line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(record, Json) + "\n");
            lock (_gate)
            {
                _stream.Write(line);
                _stream.Flush(flushToDisk: true);
            }
        }

        public void Dispose() => _stream.Dispose();
    }
}
