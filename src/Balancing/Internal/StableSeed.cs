namespace Ffr.MLNet;

/// <summary>
/// Combines values into a seed that is the same in every process (unlike <see cref="HashCode"/>,
/// which is randomised per process): SplitMix64 over the values, FNV-1a for strings.
/// </summary>
internal static class StableSeed
{
    public static int Combine(params int[] values)
    {
        ulong state = 0x9E3779B97F4A7C15UL;
        foreach (int value in values)
        {
            state = Mix(state ^ (uint)value);
        }

        return (int)(state ^ (state >> 32));
    }

    public static int Of(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 16777619;
        }

        return (int)hash;
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
