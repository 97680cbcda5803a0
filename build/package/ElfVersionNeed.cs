// Marks one version-needed entry of an ELF shared library weak (VER_FLG_WEAK in .gnu.version_r).
// Compiled by MSBuild's RoslynCodeTaskFactory (build/package/Ffr.MLNet.Trainers.targets) and, with
// FFR_ELF_PATCHER_ONLY defined, by the Trainers tests, which exercise ElfVersionNeed directly.
// RoslynCodeTaskFactory compiles against netstandard2.0: keep to its APIs.
#nullable enable
using System;
using System.IO;
using System.Text;
#if !FFR_ELF_PATCHER_ONLY
using Microsoft.Build.Framework;
#endif

namespace Ffr.MLNet.Build
{
    /// <summary>What <see cref="ElfVersionNeed.MarkWeak"/> found and did.</summary>
    public enum ElfVersionNeedResult
    {
        /// <summary>The entry was strong and is now weak.</summary>
        Patched,
        /// <summary>The entry was already weak; the file was not written.</summary>
        AlreadyWeak,
        /// <summary>The library does not ask for that version; the file was not written.</summary>
        NotRequired,
    }

    /// <summary>Reads and edits the version-needed table (SHT_GNU_verneed) of an ELF file.</summary>
    public static class ElfVersionNeed
    {
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const ushort VerFlgWeak = 0x2;

        /// <summary>
        /// Sets VER_FLG_WEAK on every version-needed entry named <paramref name="versionName"/>, in place.
        /// Idempotent: a second call returns <see cref="ElfVersionNeedResult.AlreadyWeak"/> and writes nothing.
        /// </summary>
        public static ElfVersionNeedResult MarkWeak(string path, string versionName)
        {
            byte[] elf = File.ReadAllBytes(path);
            if (elf.Length < 0x40 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            {
                throw new InvalidDataException($"'{path}' is not an ELF file.");
            }

            bool is64 = elf[4] == 2;
            if (elf[5] != 1)
            {
                throw new InvalidDataException($"'{path}' is a big-endian ELF file; only little-endian files are supported.");
            }

            long shoff = is64 ? (long)ReadU64(elf, 0x28) : ReadU32(elf, 0x20);
            int shentsize = ReadU16(elf, is64 ? 0x3A : 0x2E);
            int shnum = ReadU16(elf, is64 ? 0x3C : 0x30);

            bool found = false;
            bool changed = false;
            for (int s = 0; s < shnum; s++)
            {
                long sh = shoff + (long)s * shentsize;
                if (ReadU32(elf, sh + 4) != ShtGnuVerneed)
                {
                    continue;
                }

                long offset = is64 ? (long)ReadU64(elf, sh + 0x18) : ReadU32(elf, sh + 0x10);
                uint link = ReadU32(elf, sh + (is64 ? 0x28 : 0x18));
                uint count = ReadU32(elf, sh + (is64 ? 0x2C : 0x1C));
                long strsh = shoff + (long)link * shentsize;
                long strtab = is64 ? (long)ReadU64(elf, strsh + 0x18) : ReadU32(elf, strsh + 0x10);

                long vn = offset;
                for (uint i = 0; i < count; i++)
                {
                    long aux = vn + ReadU32(elf, vn + 8);
                    int auxCount = ReadU16(elf, vn + 2);
                    for (int a = 0; a < auxCount; a++)
                    {
                        string name = ReadCString(elf, strtab + ReadU32(elf, aux + 8));
                        if (name == versionName)
                        {
                            found = true;
                            ushort flags = ReadU16(elf, aux + 4);
                            if ((flags & VerFlgWeak) == 0)
                            {
                                WriteU16(elf, aux + 4, (ushort)(flags | VerFlgWeak));
                                changed = true;
                            }
                        }

                        aux += ReadU32(elf, aux + 12);
                    }

                    vn += ReadU32(elf, vn + 12);
                }
            }

            if (!found)
            {
                return ElfVersionNeedResult.NotRequired;
            }

            if (!changed)
            {
                return ElfVersionNeedResult.AlreadyWeak;
            }

            string temp = path + ".ffr-patch";
            File.WriteAllBytes(temp, elf);
            File.Copy(temp, path, overwrite: true);
            File.Delete(temp);
            return ElfVersionNeedResult.Patched;
        }

        /// <summary>True when the bytes of the file hold the version string (e.g. "GLIBCXX_3.4.32").</summary>
        public static bool Defines(string libraryPath, string versionName)
        {
            byte[] needle = Encoding.ASCII.GetBytes(versionName + "\0");
            byte[] haystack = File.ReadAllBytes(libraryPath);
            for (int i = 0; i <= haystack.Length - needle.Length; i++)
            {
                int j = 0;
                while (j < needle.Length && haystack[i + j] == needle[j])
                {
                    j++;
                }

                if (j == needle.Length)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Finds the libstdc++ that the dynamic loader would use, or null.</summary>
        public static string? FindSystemLibStdCxx()
        {
            string[] dirs =
            {
                "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
                "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib",
            };
            string? ldPath = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
            if (!string.IsNullOrEmpty(ldPath))
            {
                string[] extra = ldPath.Split(new[] { ':' }, StringSplitOptions.RemoveEmptyEntries);
                string[] all = new string[extra.Length + dirs.Length];
                extra.CopyTo(all, 0);
                dirs.CopyTo(all, extra.Length);
                dirs = all;
            }

            foreach (string dir in dirs)
            {
                string candidate = Path.Combine(dir, "libstdc++.so.6");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            return null;
        }

        private static ushort ReadU16(byte[] b, long o) => (ushort)(b[o] | b[o + 1] << 8);

        private static uint ReadU32(byte[] b, long o) => (uint)(b[o] | b[o + 1] << 8 | b[o + 2] << 16 | b[o + 3] << 24);

        private static ulong ReadU64(byte[] b, long o) => ReadU32(b, o) | (ulong)ReadU32(b, o + 4) << 32;

        private static void WriteU16(byte[] b, long o, ushort v)
        {
            b[o] = (byte)v;
            b[o + 1] = (byte)(v >> 8);
        }

        private static string ReadCString(byte[] b, long o)
        {
            long end = o;
            while (end < b.Length && b[end] != 0)
            {
                end++;
            }

            return Encoding.ASCII.GetString(b, (int)o, (int)(end - o));
        }
    }

#if !FFR_ELF_PATCHER_ONLY
    /// <summary>
    /// MSBuild task: in the build output's copies of libLibTorchSharp.so, marks the version-needed
    /// entry <see cref="VersionName"/> weak when the machine's libstdc++ lacks that version.
    /// </summary>
    public class MarkElfVersionNeedWeak : Microsoft.Build.Utilities.Task
    {
        /// <summary>The libraries to patch (copies in the output folder, never the NuGet cache).</summary>
        [Required]
        public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();

        /// <summary>The version to mark weak, e.g. GLIBCXX_3.4.32.</summary>
        [Required]
        public string VersionName { get; set; } = string.Empty;

        /// <summary>Patch even when this machine's libstdc++ has the version: for outputs that travel (a tool package).</summary>
        public bool Always { get; set; }

        /// <inheritdoc />
        public override bool Execute()
        {
            string? libstdcxx = ElfVersionNeed.FindSystemLibStdCxx();
            if (!Always && libstdcxx != null && ElfVersionNeed.Defines(libstdcxx, VersionName))
            {
                Log.LogMessage(MessageImportance.Normal, "Ffr.MLNet: {0} provides {1}; libLibTorchSharp.so left as shipped.", libstdcxx, VersionName);
                return true;
            }

            foreach (ITaskItem item in Libraries)
            {
                string path = item.ItemSpec;
                if (path.IndexOf(Path.DirectorySeparatorChar + ".nuget" + Path.DirectorySeparatorChar, StringComparison.Ordinal) >= 0)
                {
                    Log.LogError("Ffr.MLNet: refusing to patch '{0}': it is in the NuGet package cache.", path);
                    return false;
                }

                ElfVersionNeedResult result = ElfVersionNeed.MarkWeak(path, VersionName);
                string what = result switch
                {
                    ElfVersionNeedResult.Patched => "marked " + VersionName + " weak in",
                    ElfVersionNeedResult.AlreadyWeak => VersionName + " already weak in",
                    _ => "no " + VersionName + " requirement in",
                };
                Log.LogMessage(MessageImportance.High, "Ffr.MLNet: {0} {1} ({2}).", what, path, Always ? "patched for any machine" : "system libstdc++ " + (libstdcxx ?? "not found") + " lacks it");
            }

            return !Log.HasLoggedErrors;
        }
    }
#endif
}
