namespace Ffr.MLNet.Tests;

/// <summary>The three ways the failure tests damage a file that the project reads.</summary>
internal static class FileDamage
{
    /// <summary>"empty", "truncated" and "random", for theory data.</summary>
    public static readonly string[] Kinds = { "empty", "truncated", "random" };

    /// <summary>Empties the file, cuts it in half, or replaces it with as many pseudo-random bytes (at least 64).</summary>
    public static void Apply(string path, string damage)
    {
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, damage switch
        {
            "empty" => Array.Empty<byte>(),
            "truncated" => bytes[..(bytes.Length / 2)],
            "random" => Enumerable.Range(0, Math.Max(bytes.Length, 64)).Select(i => (byte)((i * 7919 + 13) % 251)).ToArray(),
            _ => throw new ArgumentOutOfRangeException(nameof(damage), damage, "empty, truncated or random"),
        });
    }
}
