using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Ffr.MLNet.Training;

/// <summary>Picks the device once: CUDA when MLContext.GpuDeviceId is set and CUDA is there, else CPU (or an error).</summary>
internal static class TorchDevice
{
    public static Device Choose(MLContextSettings mlContext, IChannel log)
    {
        if (mlContext.GpuDeviceId is not int id)
        {
            return CPU;
        }

        if (cuda.is_available() && id < cuda.device_count())
        {
            log.Info(MessageSensitivity.None, $"Training on CUDA device {id}.");
            return device(DeviceType.CUDA, id);
        }

        string why = cuda.is_available() ? $"there is no CUDA device {id}" : "no CUDA device is available (the build references the CPU libtorch; build with -p:FfrTorchBackend=cuda on a machine with an NVIDIA GPU)";
        if (mlContext.FallbackToCpu)
        {
            log.Warning(MessageSensitivity.None, $"MLContext.GpuDeviceId is {id} but {why}; training on the CPU (FallbackToCpu).");
            return CPU;
        }

        throw new InvalidOperationException($"MLContext.GpuDeviceId is {id} but {why}. Set MLContext.FallbackToCpu = true to train on the CPU instead.");
    }
}
