// LocalHost drives POSIX processes (signals, setpriv, file modes): it runs on Linux.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
