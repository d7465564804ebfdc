; Inno Setup 6 script: installs the workstation for every user of a Windows counter PC.
;
; NOT BUILT ON THE PROJECT'S MACHINES (Debian): PyInstaller cannot cross-build and Inno
; Setup runs on Windows. Build it on Windows 10/11 x64, step by step, as
; docs/install-windows.md says:
;
;   1. dist\workstation\           the PyInstaller bundle, built on Windows:
;                                   py -m PyInstaller --noconfirm installer\workstation.spec
;                                   (workstation.exe for commands, workstation-gui.exe for
;                                   the window without a console, one _internal\ for both)
;   2. installer\windows\tesseract\ a Tesseract 5 for Windows folder (tesseract.exe and its
;                                   DLLs) whose tessdata\ holds vie, osd and eng .traineddata
;   3. "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 installer\windows\workstation.iss
;
; Result: dist\workstation-<version>-setup.exe. Silent install for IT officers:
;   workstation-<version>-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
; and uninstall: "C:\Program Files\MotCua\Workstation\unins000.exe" /VERYSILENT
;
; The officers' own settings, data and logs (%LOCALAPPDATA%\MotCua\Workstation) are
; never touched by install, upgrade or uninstall.

#ifndef AppVersion
  #error Pass the version: ISCC /DAppVersion=X.Y.Z (the one `workstation --version` prints)
#endif

#define AppName "Máy trạm Một cửa"
#define AppNameEn "Mot Cua officer workstation"
#define AppExe "workstation.exe"
; The windowed executable: the Start-menu and desktop entries open no console with it.
#define AppGuiExe "workstation-gui.exe"
; Where the check run at the end of the install writes its report (readable by every user).
#define DoctorReport "{commonappdata}\MotCua\Workstation\doctor-after-install.txt"
#define Bundle "..\..\dist\workstation"
#define Tesseract "tesseract"

#ifnexist Bundle + "\" + AppExe
  #error dist\workstation\workstation.exe is missing: build the bundle first (step 1)
#endif
#ifnexist Bundle + "\" + AppGuiExe
  #error dist\workstation\workstation-gui.exe is missing: build the bundle on Windows (step 1)
#endif
#ifnexist Tesseract + "\tesseract.exe"
  #error installer\windows\tesseract\tesseract.exe is missing (step 2)
#endif
#ifnexist Tesseract + "\tessdata\vie.traineddata"
  #error installer\windows\tesseract\tessdata\vie.traineddata is missing (step 2)
#endif
#ifnexist Tesseract + "\tessdata\osd.traineddata"
  #error installer\windows\tesseract\tessdata\osd.traineddata is missing (step 2)
#endif

[Setup]
; Never change AppId: upgrades and uninstall find the installed copy by it.
AppId={{6E0C3A52-3B8F-4B7E-9C2D-5A41F1D7C0B3}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=MotCua
DefaultDirName={autopf}\MotCua\Workstation
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per machine: every officer who signs in to the counter PC gets it.
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=workstation-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
UninstallDisplayName={#AppName} {#AppVersion}
UninstallDisplayIcon={app}\{#AppGuiExe}
ChangesEnvironment=yes
#ifdef PackageExtension
ChangesAssociations=yes
#endif
; A running workstation holds its files: ask to close it before replacing them.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
; Inno Setup ships Vietnamese among its unofficial translations: copy Vietnamese.isl
; into installer\windows\ to offer the wizard in Vietnamese too.
#ifexist "Vietnamese.isl"
Name: "vi"; MessagesFile: "Vietnamese.isl"
#endif

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "{#Tesseract}\*"; DestDir: "{app}\tesseract"; Flags: ignoreversion recursesubdirs createallsubdirs

[Dirs]
; Where an administrator locks settings for every officer of the PC (settings.toml, the same
; shape as an officer's own): readable by all, writable by administrators only (icacls in
; [Run] removes the inherited right of users to create files there).
Name: "{commonappdata}\MotCua\Workstation"; Flags: uninsneveruninstall

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppGuiExe}"; WorkingDir: "{app}"; Comment: "{#AppNameEn}"
Name: "{group}\{#AppName} - kiểm tra máy (doctor)"; Filename: "{cmd}"; Parameters: "/k ""{app}\{#AppExe}"" doctor"; WorkingDir: "{app}"
Name: "{group}\Gỡ cài đặt {#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppGuiExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Registry]
; The workstation finds {app}\tesseract\tesseract.exe by itself (beside its executable), so
; OCR and doctor work at once; the folder also goes on the machine PATH for consoles and
; other tools (new sessions only), and comes off it again on uninstall ([Code] below).
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; \
  ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}\tesseract"; \
  Check: NeedsPathEntry(ExpandConstant('{app}\tesseract'))
#ifdef PackageExtension
; COMPILED OUT: the workstation writes no single-file package of its own yet (archive
; exports are BagIt folders; statistics are .xlsx workbooks, opened by Excel; signed files
; and forms are PDFs), and it has no `open` command. ISCC /DPackageExtension=.ext once both
; exist (docs/install-windows.md, "File associations").
Root: HKA; Subkey: "Software\Classes\{#PackageExtension}"; ValueType: string; ValueName: ""; ValueData: "MotCua.Workstation.Package"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#PackageExtension}\OpenWithProgids"; ValueType: string; ValueName: "MotCua.Workstation.Package"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\MotCua.Workstation.Package"; ValueType: string; ValueName: ""; ValueData: "{#AppNameEn} package"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\MotCua.Workstation.Package\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\MotCua.Workstation.Package\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppGuiExe}"" open ""%1"""
#endif

[Run]
Filename: "{sys}\icacls.exe"; \
  Parameters: """{commonappdata}\MotCua\Workstation"" /inheritance:r /grant:r *S-1-5-32-544:(OI)(CI)F *S-1-5-18:(OI)(CI)F *S-1-5-32-545:(OI)(CI)RX"; \
  Flags: runhidden waituntilterminated; StatusMsg: "Machine-wide settings folder"
; Check the machine once at the end (Tesseract, Vietnamese data, fonts, token driver), also
; when silent: the console program runs hidden and writes its report to a file, which the
; last page offers to open (a console that closes at once would show nothing).
Filename: "{cmd}"; \
  Parameters: "/c """"{app}\{#AppExe}"" doctor > ""{#DoctorReport}"" 2>&1"""; \
  WorkingDir: "{app}"; Flags: runhidden waituntilterminated; StatusMsg: "Kiểm tra máy (doctor)"
Filename: "{#DoctorReport}"; Description: "Xem kết quả kiểm tra máy (doctor)"; \
  Flags: postinstall skipifsilent shellexec nowait
Filename: "{app}\{#AppGuiExe}"; Description: "{cm:LaunchProgram,{#StringChange(AppName, '&', '&&')}}"; \
  Flags: postinstall skipifsilent nowait

[UninstallDelete]
; Only what the program itself may have written next to its files; never the officers' data.
Type: filesandordirs; Name: "{app}\_internal\__pycache__"
Type: files; Name: "{#DoctorReport}"

[Code]
const
  EnvironmentKey = 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment';

function NeedsPathEntry(Entry: string): Boolean;
var
  Current: string;
begin
  if not RegQueryStringValue(HKLM, EnvironmentKey, 'Path', Current) then
  begin
    Result := True;
    exit;
  end;
  Result := Pos(';' + Uppercase(Entry) + ';', ';' + Uppercase(Current) + ';') = 0;
end;

procedure RemovePathEntry(Entry: string);
var
  Current, Padded: string;
  Index: Integer;
begin
  if not RegQueryStringValue(HKLM, EnvironmentKey, 'Path', Current) then
    exit;
  Padded := ';' + Current + ';';
  Index := Pos(';' + Uppercase(Entry) + ';', Uppercase(Padded));
  if Index = 0 then
    exit;
  Delete(Padded, Index, Length(Entry) + 1);
  Current := Copy(Padded, 2, Length(Padded) - 2);
  RegWriteExpandStringValue(HKLM, EnvironmentKey, 'Path', Current);
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if CurUninstallStep = usPostUninstall then
    RemovePathEntry(ExpandConstant('{app}\tesseract'));
end;
