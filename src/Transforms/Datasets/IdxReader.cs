using System.Buffers.Binary;
using System.IO.Compression;

namespace Ffr.MLNet.Datasets;

/// <summary>
/// Reads the IDX format of MNIST and Fashion-MNIST (big-endian header: two zero bytes, a type code,
/// the number of dimensions, one 32-bit size per dimension, then the data). Gzipped files are
/// recognised by their magic bytes and decompressed on the fly.
/// </summary>
public static class IdxReader
{
    private const byte UnsignedByteType = 0x08;

    /// <summary>Reads an IDX3 file of unsigned-byte images (count x height x width).</summary>
    /// <param name="stream">The file's content, plain or gzipped.</param>
    /// <param name="name">The file name, used in error messages.</param>
    public static (byte[] Pixels, int Count, int Height, int Width) ReadImages(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        int[] dims = ReadHeader(ref stream, name, expectedDimensions: 3);
        byte[] pixels = ReadExactly(stream, checked(dims[0] * dims[1] * dims[2]), name);
        return (pixels, dims[0], dims[1], dims[2]);
    }

    /// <summary>Reads an IDX1 file of unsigned-byte labels.</summary>
    /// <param name="stream">The file's content, plain or gzipped.</param>
    /// <param name="name">The file name, used in error messages.</param>
    public static byte[] ReadLabels(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        int[] dims = ReadHeader(ref stream, name, expectedDimensions: 1);
        return ReadExactly(stream, dims[0], name);
    }

    private static int[] ReadHeader(ref Stream stream, string name, int expectedDimensions)
    {
        var buffered = new BufferedStream(stream);
        Span<byte> magic = stackalloc byte[2];
        int peeked = buffered.Read(magic);
        if (peeked == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
        {
            buffered.Seek(-2, SeekOrigin.Current);
            stream = new GZipStream(buffered, CompressionMode.Decompress);
        }
        else
        {
            buffered.Seek(-peeked, SeekOrigin.Current);
            stream = buffered;
        }

        byte[] header = ReadExactly(stream, 4, name);
        if (header[0] != 0 || header[1] != 0 || header[2] != UnsignedByteType || header[3] != expectedDimensions)
        {
            throw new InvalidDataException(
                $"'{name}' is not an IDX file of unsigned bytes with {expectedDimensions} dimension(s): " +
                $"its header is {Convert.ToHexString(header)}, expected 0000080{expectedDimensions}. Pass the matching images (idx3) or labels (idx1) file.");
        }

        byte[] sizes = ReadExactly(stream, 4 * expectedDimensions, name);
        var dims = new int[expectedDimensions];
        for (int i = 0; i < expectedDimensions; i++)
        {
            dims[i] = checked((int)BinaryPrimitives.ReadUInt32BigEndian(sizes.AsSpan(4 * i)));
        }

        return dims;
    }

    private static byte[] ReadExactly(Stream stream, int count, string name)
    {
        var data = new byte[count];
        try
        {
            stream.ReadExactly(data);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"'{name}' ends early: its header announces more data than the file holds. The file is truncated; download or copy it again.");
        }

        return data;
    }
}
