using Ffr.MLNet.Images;

namespace Ffr.MLNet.Generation;

/// <summary>Checks a server's answer before it is written: a decodable image of the asked size, kept as the server's PNG bytes (other formats re-encoded as PNG).</summary>
internal static class GeneratedImageCheck
{
    private static readonly byte[] PngSignature = { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A };

    public static byte[] ToPng(byte[] bytes, int width, int height, Uri endpoint)
    {
        RgbImage image;
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            image = RgbImage.Decode(stream, $"the image from {endpoint}", out _);
        }
        catch (InvalidDataException ex)
        {
            throw new GenerationTryException($"{endpoint} answered an image that cannot be decoded ({bytes.Length} bytes): {ex.Message}", ex);
        }

        if (image.Width != width || image.Height != height)
        {
            throw new GenerationTryException(
                $"{endpoint} answered a {image.Width}x{image.Height} image; {width}x{height} was asked. Check --width and --height (and, for ComfyUI, the workflow's size and upscale nodes).");
        }

        return bytes.AsSpan().StartsWith(PngSignature) ? bytes : image.EncodePng();
    }
}
