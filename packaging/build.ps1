# Build the Windows bundle build\dist\nianbao\ (nianbao.exe windowed, nianbao-cli.exe console) with PyInstaller,
# then the per-user installer build\installer\nianbao-setup-VERSION.exe with Inno Setup 6 if ISCC.exe is found.
#   powershell -ExecutionPolicy Bypass -File packaging\build.ps1 [-NoInstaller]
param([switch]$NoInstaller)
$ErrorActionPreference = "Stop"
Set-Location (Split-Path -Parent $PSScriptRoot)

python -c "import PyInstaller" 2>$null
if ($LASTEXITCODE -ne 0) {
    python -m pip install -e ".[build]"
    if ($LASTEXITCODE -ne 0) { throw "pip install failed" }
}
$version = python -c "import tomllib; print(tomllib.load(open('pyproject.toml', 'rb'))['project']['version'])"
if ($LASTEXITCODE -ne 0) { throw "cannot read the version from pyproject.toml" }

$watch = [Diagnostics.Stopwatch]::StartNew()
python -m PyInstaller --noconfirm --clean --log-level WARN `
    --distpath build\dist --workpath build\pyinstaller packaging\nianbao.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed ($LASTEXITCODE)" }
$bytes = (Get-ChildItem -Recurse -File build\dist\nianbao | Measure-Object -Sum Length).Sum
"nianbao $version built in {0:N0} s: build\dist\nianbao is {1:N1} MiB" -f $watch.Elapsed.TotalSeconds, ($bytes / 1MB)

if ($NoInstaller) { exit 0 }
$iscc = (Get-Command ISCC.exe -ErrorAction SilentlyContinue).Source
if (-not $iscc) {
    $iscc = @("${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe", "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
              "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe") |
        Where-Object { Test-Path $_ } | Select-Object -First 1
}
if (-not $iscc) {
    Write-Warning "Inno Setup 6 (ISCC.exe) not found: no installer made. Install it (choco install innosetup -y)."
    exit 0
}
& $iscc "/DMyAppVersion=$version" packaging\nianbao.iss
if ($LASTEXITCODE -ne 0) { throw "ISCC failed ($LASTEXITCODE)" }
Get-ChildItem build\installer\*.exe | ForEach-Object { "{0}: {1:N1} MiB" -f $_.FullName, ($_.Length / 1MB) }
