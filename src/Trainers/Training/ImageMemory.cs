namespace Ffr.MLNet.Training;

/// <summary>
/// The bytes of decoded images one fit may hold across passes (<see cref="FfrTrainerOptions.ImageCacheMegabytes"/>):
/// the validation set takes its share first, then each phase's training images while the phase runs.
/// A set that does not fit whole is decoded from its files on every pass instead.
/// </summary>
internal sealed class ImageMemory
{
    private long _left;

    public ImageMemory(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        _left = bytes;
    }

    /// <summary>Bytes not taken.</summary>
    public long Left => _left;

    /// <summary>Takes <paramref name="bytes"/> when that many are left.</summary>
    public bool TryTake(long bytes)
    {
        if (bytes > _left)
        {
            return false;
        }

        _left -= bytes;
        return true;
    }

    /// <summary>Gives back bytes taken.</summary>
    public void Give(long bytes) => _left += bytes;
}
