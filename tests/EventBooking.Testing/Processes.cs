namespace EventBooking.Testing;

/// <summary>What runs on this machine, read from /proc: for checks that nothing a test started is left behind.</summary>
public static class Processes
{
    public static bool IsAlive(int pid)
    {
        var status = $"/proc/{pid}/status";
        if (pid <= 0 || !File.Exists(status))
        {
            return false;
        }

        try
        {
            // A zombie has exited; only its parent's bookkeeping is left.
            return !File.ReadAllText(status).Contains("State:\tZ", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// Live processes whose command line, working directory or environment points into <paramref name="path"/> (a daemon a
    /// server spawned, e.g. Erlang's <c>epmd -daemon</c>, runs in <c>/</c> but keeps the server's <c>HOME</c>).
    /// </summary>
    public static List<string> Using(string path)
    {
        var found = new List<string>();
        foreach (var directory in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || pid == Environment.ProcessId || !IsAlive(pid))
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                var workingDirectory = new FileInfo(Path.Combine(directory, "cwd")).LinkTarget ?? "";
                var environment = File.ReadAllText(Path.Combine(directory, "environ"));
                if (commandLine.Contains(path, StringComparison.Ordinal) || workingDirectory.StartsWith(path, StringComparison.Ordinal)
                    || environment.Contains(path, StringComparison.Ordinal))
                {
                    found.Add($"{pid}: {commandLine}");
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Exited while we looked.
            }
        }

        return found;
    }
}
