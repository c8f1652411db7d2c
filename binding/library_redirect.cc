#include "library_redirect.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <mutex>

namespace trtn {
namespace {

std::mutex directoryMutex;
std::string siblingDirectory;

/** `directory/file` when `file` is a bare name of a file in the sibling folder; empty otherwise. */
std::string SiblingPath(const char* file) {
  if (file == nullptr || std::strchr(file, '/') != nullptr) return std::string();
  std::string directory;
  {
    std::lock_guard<std::mutex> lock(directoryMutex);
    directory = siblingDirectory;
  }
  if (directory.empty()) return std::string();
  std::string path = directory + "/" + file;
  return access(path.c_str(), F_OK) == 0 ? path : std::string();
}

void* RedirectedDlopen(const char* file, int flags) {
  const std::string path = SiblingPath(file);
  return dlopen(path.empty() ? file : path.c_str(), flags);
}

void* RedirectedDlmopen(Lmid_t namespaceId, const char* file, int flags) {
  const std::string path = SiblingPath(file);
  return dlmopen(namespaceId, path.empty() ? file : path.c_str(), flags);
}

struct RelroRange {
  uintptr_t base = 0;
  uintptr_t start = 0;
  uintptr_t end = 0;
};

int FindRelro(dl_phdr_info* info, size_t, void* data) {
  auto* range = static_cast<RelroRange*>(data);
  if (info->dlpi_addr != range->base) return 0;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    if (info->dlpi_phdr[i].p_type == PT_GNU_RELRO) {
      range->start = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
      range->end = range->start + info->dlpi_phdr[i].p_memsz;
    }
  }
  return 1;
}

/** Writes `value` into the pointer-sized slot at `address`, lifting and restoring RELRO protection. */
bool WriteSlot(uintptr_t address, void* value, const RelroRange& relro) {
  const uintptr_t pageSize = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  void* page = reinterpret_cast<void*>(address & ~(pageSize - 1));
  const bool inRelro = address >= relro.start && address < relro.end;
  if (mprotect(page, pageSize, PROT_READ | PROT_WRITE) != 0) return false;
  *reinterpret_cast<void**>(address) = value;
  if (inRelro) mprotect(page, pageSize, PROT_READ);
  return true;
}

}  // namespace

std::vector<std::string> RedirectSiblingLoads(void* handle, const std::string& directory, std::string& error) {
  std::vector<std::string> redirected;
  if (handle == nullptr || directory.empty()) {
    error = "no library handle or folder";
    return redirected;
  }
  link_map* map = nullptr;
  if (dlinfo(handle, RTLD_DI_LINKMAP, &map) != 0 || map == nullptr || map->l_ld == nullptr) {
    error = "dlinfo(RTLD_DI_LINKMAP) failed";
    return redirected;
  }
  {
    std::lock_guard<std::mutex> lock(directoryMutex);
    siblingDirectory = directory;
  }
  const uintptr_t base = map->l_addr;
  // glibc relocates these d_ptr values in place on x86-64 and aarch64; add the base where it did not.
  auto pointer = [base](ElfW(Addr) value) { return value < base ? base + value : static_cast<uintptr_t>(value); };
  const ElfW(Sym)* symbols = nullptr;
  const char* strings = nullptr;
  uintptr_t pltRelocations = 0, pltBytes = 0, relocations = 0, relocationBytes = 0;
  for (const ElfW(Dyn)* entry = map->l_ld; entry->d_tag != DT_NULL; ++entry) {
    switch (entry->d_tag) {
      case DT_SYMTAB: symbols = reinterpret_cast<const ElfW(Sym)*>(pointer(entry->d_un.d_ptr)); break;
      case DT_STRTAB: strings = reinterpret_cast<const char*>(pointer(entry->d_un.d_ptr)); break;
      case DT_JMPREL: pltRelocations = pointer(entry->d_un.d_ptr); break;
      case DT_PLTRELSZ: pltBytes = entry->d_un.d_val; break;
      case DT_RELA: relocations = pointer(entry->d_un.d_ptr); break;
      case DT_RELASZ: relocationBytes = entry->d_un.d_val; break;
      default: break;
    }
  }
  if (symbols == nullptr || strings == nullptr) {
    error = "no dynamic symbol table";
    return redirected;
  }
  RelroRange relro;
  relro.base = base;
  dl_iterate_phdr(FindRelro, &relro);
  auto patch = [&](uintptr_t table, uintptr_t bytes) {
    if (table == 0) return;
    const auto* rela = reinterpret_cast<const ElfW(Rela)*>(table);
    for (size_t i = 0; i < bytes / sizeof(ElfW(Rela)); ++i) {
      const char* name = strings + symbols[ELF64_R_SYM(rela[i].r_info)].st_name;
      void* target = nullptr;
      if (std::strcmp(name, "dlopen") == 0) target = reinterpret_cast<void*>(&RedirectedDlopen);
      else if (std::strcmp(name, "dlmopen") == 0) target = reinterpret_cast<void*>(&RedirectedDlmopen);
      if (target == nullptr) continue;
      if (WriteSlot(base + rela[i].r_offset, target, relro)) redirected.push_back(name);
      else error = std::string("mprotect failed for the ") + name + " slot";
    }
  };
  patch(pltRelocations, pltBytes);
  patch(relocations, relocationBytes);
  if (redirected.empty() && error.empty()) error = "the library imports neither dlopen nor dlmopen";
  return redirected;
}

}  // namespace trtn
