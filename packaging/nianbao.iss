; Inno Setup 6 script for 年报 (Nianbao): a per-user installer, no administrator rights needed.
;   ISCC /DMyAppVersion=0.1.0 packaging\nianbao.iss      (packaging\build.ps1 does this after PyInstaller)
; Input: the one-folder bundle build\dist\nianbao\ (packaging\nianbao.spec). Output: build\installer\.
; Saved as UTF-8 with a byte-order mark: Inno Setup reads the Chinese strings below correctly only so.
;
; The user's data is NOT in {app}: the database, its backups and the log live in %APPDATA%\Nianbao
; (services/paths.user_data_dir, platformdirs, roaming). The uninstaller removes only what it installed;
; never list %APPDATA%\Nianbao (or {userappdata}) in [UninstallDelete]: a clerk's reports must survive an
; uninstall and a reinstall.

#ifndef MyAppVersion
  #define MyAppVersion "0.0.0"
#endif
#ifndef BundleDir
  #define BundleDir "..\build\dist\nianbao"
#endif
#define MyAppName "年报"
#define MyAppExe "nianbao.exe"
#define MyProgId "Nianbao.Report.1"
; Simplified Chinese messages: only recent Inno Setup 6 releases ship Languages\ChineseSimplified.isl (older
; ones need the translation from jrsoftware.org/files/istrans copied into the compiler's Languages folder).
; Without it the installer is English-only and the compiler prints a warning; it does not fail.
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
  #define HaveChinese
#else
  #pragma warning "Languages\ChineseSimplified.isl not found: the installer will be English only"
#endif

[Setup]
; AppId identifies the installation for upgrades and the uninstaller: never change it.
AppId={{25FD8B30-E7F3-4AF8-A4F2-BD43222ED2A9}
AppName={#MyAppName}
AppVersion={#MyAppVersion}
AppVerName={#MyAppName} {#MyAppVersion}
AppPublisher=年报项目组 (Nianbao project)
VersionInfoVersion={#MyAppVersion}
VersionInfoProductName=年报 (Nianbao)
VersionInfoDescription=年报 安装程序 (Nianbao setup)
; Per user, no UAC prompt: %LOCALAPPDATA%\Programs\Nianbao, shortcuts in the user's own Start menu.
PrivilegesRequired=lowest
DefaultDirName={localappdata}\Programs\Nianbao
DefaultGroupName={#MyAppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\build\installer
OutputBaseFilename=nianbao-setup-{#MyAppVersion}
SetupIconFile=..\resources\icons\nianbao.ico
UninstallDisplayIcon={app}\{#MyAppExe}
UninstallDisplayName={#MyAppName} {#MyAppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; a running 年报 holds its DLLs open: ask to close it rather than fail half way
CloseApplications=yes
ChangesAssociations=yes

[Languages]
#ifdef HaveChinese
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#endif
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
english.OpenWithTask=Offer 年报 in "Open with" for .json report exchange files
english.ExchangeFile=年报 report exchange file
#ifdef HaveChinese
chinesesimplified.OpenWithTask=在 .json 文件的“打开方式”中加入年报（报告交换文件）
chinesesimplified.ExchangeFile=年报 报告交换文件
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "openwith"; Description: "{cm:OpenWithTask}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; an upgrade must not leave the previous version's libraries beside the new ones
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#MyAppName}"; Filename: "{app}\{#MyAppExe}"
Name: "{autodesktop}\{#MyAppName}"; Filename: "{app}\{#MyAppExe}"; Tasks: desktopicon

[Registry]
; Exchange files are plain .json, so .json is NOT taken over (the clerk's editor keeps it): 年报 is only added to
; the "Open with" list, per user (HKA = HKCU under PrivilegesRequired=lowest):
;   Software\Classes\Applications\nianbao.exe  – the application, its friendly name and supported types;
;   Software\Classes\Nianbao.Report.1          – a ProgID for the exchange file, listed in
;   Software\Classes\.json\OpenWithProgids     – as a value only, removed again by the uninstaller.
Root: HKA; Subkey: "Software\Classes\Applications\{#MyAppExe}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#MyAppName}"; Flags: uninsdeletekey; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\Applications\{#MyAppExe}\SupportedTypes"; ValueType: string; ValueName: ".json"; ValueData: ""; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\Applications\{#MyAppExe}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#MyAppExe}"" ""%1"""; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\{#MyProgId}"; ValueType: string; ValueName: ""; ValueData: "{cm:ExchangeFile}"; Flags: uninsdeletekey; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\{#MyProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#MyAppExe},0"; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\{#MyProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#MyAppExe}"" ""%1"""; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\.json\OpenWithProgids"; ValueType: string; ValueName: "{#MyProgId}"; ValueData: ""; Flags: uninsdeletevalue; Tasks: openwith

[Run]
Filename: "{app}\{#MyAppExe}"; Description: "{cm:LaunchProgram,{#MyAppName}}"; Flags: nowait postinstall skipifsilent

; [UninstallDelete] is deliberately absent: see the header (the database in %APPDATA%\Nianbao is kept).
